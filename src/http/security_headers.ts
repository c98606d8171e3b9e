/**
 * The security headers of hono's `secureHeaders()` with its defaults, set straight on the final
 * response: the same names and values without the per-request work of the general middleware.
 * A test keeps the list equal to what `secureHeaders()` sets.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

/** What `secureHeaders()` (hono 4, default options) puts on every response. */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    for (let i = 0; i < SECURITY_HEADERS.length; i++) {
      h.set(SECURITY_HEADERS[i][0], SECURITY_HEADERS[i][1]);
    }
    // secureHeaders()' removePoweredBy default.
    h.delete("X-Powered-By");
  };
}
