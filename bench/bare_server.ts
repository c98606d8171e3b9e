// The bare baseline: the least an HTTP server on this runtime can do, a Deno.serve answering "ok".
// Runs as its own process (bench/server_process.ts starts it) so it is loaded exactly like the API.
// On /health it sends what the API's /health sends (status line, headers, a fresh request id,
// body), built with no framework: what the runtime's HTTP layer costs for that answer alone.
const port = Number(Deno.env.get("PORT") ?? "8001");

// The API's answer headers for JSON (src/http/security_headers.ts, csp.ts, cors.ts without
// origins), in the order it sends them; a bench test checks them against the real app.
export const API_HEALTH_HEADERS: readonly (readonly [string, string])[] = [
  ["Content-Type", "application/json"],
  [
    "Content-Security-Policy",
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  ],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["Vary", "Origin"],
];
const HEALTH_BODY = '{"status":"ok"}';

function healthAnswer(): Response {
  const headers = new Headers(API_HEALTH_HEADERS as [string, string][]);
  headers.set("X-Request-Id", crypto.randomUUID());
  return new Response(HEALTH_BODY, { headers });
}

if (import.meta.main) {
  Deno.serve(
    { port, hostname: "127.0.0.1", onListen() {} },
    (req) => req.url.endsWith("/health") ? healthAnswer() : new Response("ok"),
  );
}
