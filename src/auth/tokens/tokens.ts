/**
 * Access tokens: HS256 JWTs from an algorithm allow-list with iss, aud, exp, iat, jti, sub and a
 * `typ` claim. Refresh tokens are opaque random strings stored hashed, so nothing a refresh
 * token carries can ever pass verifyAccess.
 *
 * @module
 */
import { SignJWT } from "jose";
import { LRUCache } from "lru-cache";
import { hs256Key, verifyHs256 } from "./hs256.ts";

export const ACCESS_TTL_SECONDS = 15 * 60;
export const ISSUER = "polystore";
export const AUDIENCE = "polystore-api";
const REQUIRED_CLAIMS = ["exp", "iat", "jti", "sub"];
/** Verified tokens remembered per service (a signed-in client repeats its token until expiry). */
const VERIFIED_MAX = 10_000;

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
  /** verifyAccess without the promise, when the service can (HS256 with a node:crypto key). */
  verifyAccessSync?(token: string): AccessClaims | null;
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
  // The same key for the synchronous verification of every request (hs256.ts).
  const verifyKey = hs256Key(secret);
  const ttl = options.ttlSeconds ?? ACCESS_TTL_SECONDS;
  const nowSeconds = () => Math.floor((options.now?.() ?? Date.now()) / 1000);
  const expect = { issuer: ISSUER, audience: AUDIENCE, required: REQUIRED_CLAIMS };
  // A token's signature and claims never change, so a token that verified once is remembered by
  // its exact text (a tampered token is other text) and only its times are checked again.
  const verified = new LRUCache<string, { claims: AccessClaims; nbf?: number }>({
    max: VERIFIED_MAX,
  });
  const verifyAccessSync = (token: string): AccessClaims | null => {
    const now = nowSeconds();
    const known = verified.get(token);
    if (known !== undefined) {
      if (known.claims.exp <= now || (known.nbf !== undefined && known.nbf > now)) return null;
      return { ...known.claims };
    }
    const payload = verifyHs256(token, verifyKey, expect, now);
    if (payload === null || payload.typ !== "access") return null;
    const { sub, jti, exp, iat, sid, nbf } = payload;
    if (typeof sub !== "string" || typeof jti !== "string") return null;
    const claims: AccessClaims = { sub, jti, exp: exp as number, iat: iat as number };
    if (typeof sid === "string") claims.sid = sid;
    verified.set(token, { claims: { ...claims }, nbf: nbf as number | undefined });
    return claims;
  };
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
    verifyAccess(token) {
      return Promise.resolve(verifyAccessSync(token));
    },
    verifyAccessSync,
  };
}
