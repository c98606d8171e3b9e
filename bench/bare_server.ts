// The bare baseline: the least an HTTP server on this runtime can do, a Deno.serve answering "ok".
// Runs as its own process (bench/server_process.ts starts it) so it is loaded exactly like the API.
const port = Number(Deno.env.get("PORT") ?? "8001");
Deno.serve({ port, hostname: "127.0.0.1", onListen() {} }, () => new Response("ok"));
