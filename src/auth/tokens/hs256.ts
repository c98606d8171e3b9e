/**
 * Synchronous HS256 verification of compact JWTs with a key imported once (node:crypto), for the
 * per-request token check: no WebCrypto promise round trip per request. It accepts exactly what
 * jose's `jwtVerify` accepts with our options, or less (a `crit` header, non-canonical base64url
 * or non-string sub/jti are refused outright); tokens_test.ts holds it to jose's refusals.
 *
 * @module
 */
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";

const B64URL = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** What the caller requires of the claims besides the signature. */
export interface Hs256Expect {
  issuer: string;
  audience: string;
  /** Claims that must be present (own properties). */
  required: readonly string[];
}

export type JwtPayload = Record<string, unknown>;

/** The HMAC key, imported once. */
export function hs256Key(secret: string): KeyObject {
  return createSecretKey(new TextEncoder().encode(secret));
}

function decodeJson(part: string): unknown {
  if (!B64URL.test(part)) return undefined;
  try {
    return JSON.parse(utf8.decode(Buffer.from(part, "base64url")));
  } catch {
    return undefined;
  }
}

function isPlainObject(v: unknown): v is JwtPayload {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The payload of `token` when it is an HS256 JWT signed with `key` whose claims pass `expect` at
 * `nowSeconds` (iss, aud, exp, nbf and iat as jose checks them), else null.
 */
export function verifyHs256(
  token: string,
  key: KeyObject,
  expect: Hs256Expect,
  nowSeconds: number,
): JwtPayload | null {
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 0 || second < 0 || token.indexOf(".", second + 1) >= 0) return null;
  const signature = token.slice(second + 1);
  if (!B64URL.test(signature)) return null;
  const header = decodeJson(token.slice(0, first));
  if (!isPlainObject(header) || header.alg !== "HS256" || "crit" in header) return null;
  const expected = createHmac("sha256", key).update(token.slice(0, second)).digest("base64url");
  if (
    expected.length !== signature.length ||
    !timingSafeEqual(Buffer.from(expected), Buffer.from(signature))
  ) return null;
  const payload = decodeJson(token.slice(first + 1, second));
  if (!isPlainObject(payload)) return null;
  for (const claim of [...expect.required, "aud", "iss"]) {
    if (!Object.hasOwn(payload, claim)) return null;
  }
  if (payload.iss !== expect.issuer) return null;
  const aud = payload.aud;
  if (!(aud === expect.audience || (Array.isArray(aud) && aud.includes(expect.audience)))) {
    return null;
  }
  const { iat, nbf, exp } = payload;
  if (iat !== undefined && typeof iat !== "number") return null;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > nowSeconds)) return null;
  if (exp !== undefined && (typeof exp !== "number" || exp <= nowSeconds)) return null;
  return payload;
}
