/**
 * The caller's IP for rate limits and audit: the socket address Deno.serve reports, passed in by
 * Hono's Deno convention (`app.fetch(req, info)` makes the `Deno.ServeHandlerInfo` the env, as
 * `hono/deno`'s getConnInfo reads it). Behind a trusted proxy (TRUST_PROXY) it is the right-most
 * X-Forwarded-For entry, the one that proxy appended; entries to its left are whatever the client
 * sent.
 *
 * @module
 */
import type { Context } from "hono";
import { isIP } from "node:net";

/** What Deno.serve hands the handler; absent under `app.request()`, so every field is optional. */
type ConnInfoEnv = { remoteAddr?: { hostname?: unknown } } | null | undefined;

/** The socket's address from the env, guarded: `app.request()` passes no env, or another one. */
function socketAddress(c: Context): string | null {
  const host = (c.env as ConnInfoEnv)?.remoteAddr?.hostname;
  return typeof host === "string" ? host : null;
}

/** The client's address, or null when unknown (e.g. app.request in tests). */
export function clientIp(c: Context, trustProxy = false): string | null {
  const socket = socketAddress(c);
  if (trustProxy) {
    const hops = c.req.header("X-Forwarded-For")?.split(",") ?? [];
    const last = hops[hops.length - 1]?.trim();
    if (last && isIP(last) !== 0) return last;
  }
  return socket && isIP(socket) !== 0 ? socket : null;
}
