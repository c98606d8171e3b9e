// Ports for servers a test starts itself (private Redis, main.ts as a process).

/** A free TCP port on 127.0.0.1, found by binding port 0 and letting it go. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}
