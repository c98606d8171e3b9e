// The caller's IP for rate limits and audit: the socket address Deno.serve reports, passed in
// through Hono's env; X-Forwarded-For is trusted only when TRUST_PROXY says so.
import type { Context } from "hono";

type ConnInfoEnv = { remoteAddr?: { hostname?: string } } | undefined;

/** The client's address, or null when unknown (e.g. app.request in tests). */
export function clientIp(c: Context, trustProxy = false): string | null {
  if (trustProxy) {
    const fwd = c.req.header("X-Forwarded-For")?.split(",")[0]?.trim();
    if (fwd) return fwd;
  }
  const info = (c.env as { info?: ConnInfoEnv } | undefined)?.info;
  return info?.remoteAddr?.hostname ?? null;
}
