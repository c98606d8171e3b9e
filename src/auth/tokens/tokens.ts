/**
 * Access tokens: HS256 JWTs from an algorithm allow-list with iss, aud, exp, iat, jti, sub and a
 * `typ` claim. Refresh tokens are opaque random strings stored hashed, so nothing a refresh
 * token carries can ever pass verifyAccess.
 *
 * @module
 */
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const ISSUER = "polystore";
export const AUDIENCE = "polystore-api";
const ALGORITHMS = ["HS256"];

export interface AccessClaims {
  sub: string;
  jti: string;
  exp: number;
  iat: number;
  /** The refresh-token family (session) the token was issued with; absent for bare tokens. */
  sid?: string;
}

export interface SignOptions {
  /** Session (refresh-token family) id, carried as the `sid` claim so logout can end it. */
  sessionId?: string;
}

export interface TokenService {
  signAccess(
    userId: string,
    options?: SignOptions,
  ): Promise<{ token: string; claims: AccessClaims }>;
  /** Verified claims, or null for any invalid, expired, foreign or non-access token. */
  verifyAccess(token: string): Promise<AccessClaims | null>;
}

/** Token signing and verification with a secret of at least 32 bytes. */
export function createTokenService(
  secret: string,
  options: { ttlSeconds?: number; now?: () => number } = {},
): TokenService {
  // Imported once: handing jose raw bytes would re-import the HMAC key on every verification.
  const keyReady = crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  const ttl = options.ttlSeconds ?? ACCESS_TTL_SECONDS;
  const nowSeconds = () => Math.floor((options.now?.() ?? Date.now()) / 1000);
  return {
    async signAccess(userId, signOptions = {}) {
      const iat = nowSeconds();
      const claims: AccessClaims = { sub: userId, jti: crypto.randomUUID(), iat, exp: iat + ttl };
      const extra: Record<string, string> = { typ: "access" };
      if (signOptions.sessionId !== undefined) {
        claims.sid = signOptions.sessionId;
        extra.sid = signOptions.sessionId;
      }
      const token = await new SignJWT(extra)
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .sign(await keyReady);
      return { token, claims };
    },
    async verifyAccess(token) {
      try {
        const { payload } = await jwtVerify(token, await keyReady, {
          algorithms: ALGORITHMS,
          issuer: ISSUER,
          audience: AUDIENCE,
          requiredClaims: ["exp", "iat", "jti", "sub"],
          currentDate: new Date(nowSeconds() * 1000),
        });
        if (payload.typ !== "access") return null;
        const claims: AccessClaims = {
          sub: payload.sub!,
          jti: payload.jti!,
          exp: payload.exp!,
          iat: payload.iat!,
        };
        if (typeof payload.sid === "string") claims.sid = payload.sid;
        return claims;
      } catch (err) {
        if (err instanceof joseErrors.JOSEError) return null;
        throw err;
      }
    },
  };
}
