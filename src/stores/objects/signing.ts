// HMAC-SHA256 grants for the folder adapter's signed URLs: what a URL allows (method, object,
// expiry, content type, size) is signed as one canonical string and checked in constant time.

/** What one signed URL allows. */
export interface SignedGrant {
  method: "GET" | "PUT";
  bucket: string;
  key: string;
  /** Unix seconds after which the URL is refused. */
  expires: number;
  /** PUT only: the Content-Type the upload must carry. */
  contentType?: string;
  /** PUT only: the largest body accepted, in bytes. */
  maxSize?: number;
}

/** Why a signed request was refused. */
export type GrantRefusal = "missing_signature" | "bad_signature" | "wrong_method" | "expired";

export type GrantCheck =
  | { ok: true; grant: SignedGrant }
  | { ok: false; reason: GrantRefusal };

/** The request facts a grant is checked against. */
export interface SignedRequest {
  method: string;
  bucket: string;
  key: string;
  /** The URL's query: method, expires, ct, max, sig. */
  params: URLSearchParams;
}

const VERSION = "polystore-objects-v1";
const encoder = new TextEncoder();

/**
 * The string the signature covers. Keys and content types cannot hold control characters, so a
 * newline separates fields unambiguously.
 */
export function canonicalGrant(g: SignedGrant): string {
  return [VERSION, g.method, g.bucket, g.key, g.expires, g.contentType ?? "", g.maxSize ?? ""]
    .join("\n");
}

/** Signs and checks grants with one secret. */
export class GrantSigner {
  readonly #key: Promise<CryptoKey>;
  constructor(secret: string) {
    if (secret.length < 16) throw new Error("signing key must be at least 16 characters");
    this.#key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
  }

  /** The grant's query parameters, signature included. */
  async sign(g: SignedGrant): Promise<URLSearchParams> {
    const mac = await crypto.subtle.sign(
      "HMAC",
      await this.#key,
      encoder.encode(canonicalGrant(g)),
    );
    const params = new URLSearchParams({ method: g.method, expires: String(g.expires) });
    if (g.contentType !== undefined) params.set("ct", g.contentType);
    if (g.maxSize !== undefined) params.set("max", String(g.maxSize));
    params.set("sig", toHex(new Uint8Array(mac)));
    return params;
  }

  /**
   * Checks a request against its query. The signature is checked before anything else is
   * trusted; expiry last, so an expired URL is only reported as such when it was genuine.
   * `nowSeconds` is the current Unix time.
   */
  async verify(req: SignedRequest, nowSeconds: number): Promise<GrantCheck> {
    const p = req.params;
    const sig = p.get("sig");
    const method = p.get("method");
    const expires = p.get("expires");
    if (sig === null || method === null || expires === null) {
      return { ok: false, reason: "missing_signature" };
    }
    const mac = fromHex(sig);
    if (mac === null || (method !== "GET" && method !== "PUT") || !/^\d{1,12}$/.test(expires)) {
      return { ok: false, reason: "bad_signature" };
    }
    const max = p.get("max");
    if (max !== null && !/^\d{1,15}$/.test(max)) return { ok: false, reason: "bad_signature" };
    const grant: SignedGrant = {
      method,
      bucket: req.bucket,
      key: req.key,
      expires: Number(expires),
      ...(p.has("ct") ? { contentType: p.get("ct")! } : {}),
      ...(max !== null ? { maxSize: Number(max) } : {}),
    };
    // subtle.verify compares in constant time, so the signature leaks nothing through timing.
    const good = await crypto.subtle.verify(
      "HMAC",
      await this.#key,
      mac,
      encoder.encode(canonicalGrant(grant)),
    );
    if (!good) return { ok: false, reason: "bad_signature" };
    const asked = req.method.toUpperCase();
    if (asked !== grant.method && !(asked === "HEAD" && grant.method === "GET")) {
      return { ok: false, reason: "wrong_method" };
    }
    if (nowSeconds > grant.expires) return { ok: false, reason: "expired" };
    return { ok: true, grant };
  }
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[0-9a-f]{64}$/i.test(hex)) return null;
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
