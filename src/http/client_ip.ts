// The caller's IP for rate limits and audit: the socket address Deno.serve reports, passed in
// through Hono's env. Behind a trusted proxy (TRUST_PROXY) it is the right-most X-Forwarded-For
// entry, the one that proxy appended; entries to its left are whatever the client sent.
import type { Context } from "hono";
import { isIP } from "node:net";

type ConnInfoEnv = { remoteAddr?: { hostname?: string } } | undefined;

/** The client's address, or null when unknown (e.g. app.request in tests). */
export function clientIp(c: Context, trustProxy = false): string | null {
  const socket = (c.env as { info?: ConnInfoEnv } | undefined)?.info?.remoteAddr?.hostname ??
    null;
  if (trustProxy) {
    const hops = c.req.header("X-Forwarded-For")?.split(",") ?? [];
    const last = hops[hops.length - 1]?.trim();
    if (last && isIP(last) !== 0) return last;
  }
  return socket && isIP(socket) !== 0 ? socket : null;
}
