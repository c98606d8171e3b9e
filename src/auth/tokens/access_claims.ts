/**
 * The verified claims of a request's bearer token, worked out once per request: the rate limiter
 * (per-user limits) and the authenticator both need them, and the HMAC check is among the
 * costliest steps of a signed-in cached read.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppEnv } from "../../http/types.ts";
import type { AccessClaims, TokenService } from "./tokens.ts";

/** The compact JWT of an `Authorization: Bearer …` header, or null. */
export function bearerToken(c: Context): string | null {
  const h = c.req.header("Authorization");
  const m = h?.match(/^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/);
  return m ? m[1] : null;
}

/**
 * The bearer token's verified claims (null when absent or invalid), memoised on the request: a
 * value when the service verifies synchronously (HS256 here), else a promise.
 */
export function accessClaims(
  c: Context<AppEnv>,
  tokens: TokenService,
): AccessClaims | null | Promise<AccessClaims | null> {
  let claims = c.get("accessClaims");
  if (claims === undefined) {
    const token = bearerToken(c);
    claims = token === null
      ? null
      : tokens.verifyAccessSync
      ? tokens.verifyAccessSync(token)
      : tokens.verifyAccess(token);
    c.set("accessClaims", claims);
  }
  return claims;
}
