/**
 * Entity tags and the one If-Match rule every domain applies. A tag is either a hash of the
 * representation (`etagOfJson`, for rows without a version column) or a quoted version number
 * (`versionEtag`); `ifMatchAllows` is the only parser of If-Match.
 *
 * @example
 * ```ts
 * import { ifMatchAllows, versionEtag } from "./etag.ts";
 * ifMatchAllows(undefined, versionEtag(3)); // true: optimistic locking is opt-in
 * ifMatchAllows('W/"3", "4"', versionEtag(3)); // true
 * ifMatchAllows('"2"', versionEtag(3)); // false: answer 412
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { encodeBase64url } from "./base64url.ts";

/**
 * Strong ETag of a representation: a quoted base64url SHA-256 prefix of its JSON text. Hashed
 * synchronously: WebCrypto's digest is a round trip to a worker thread, ~100 us per read by id in
 * the profile.
 */
export function etagOfJson(json: string): string {
  return `"${encodeBase64url(createHash("sha256").update(json).digest().subarray(0, 18))}"`;
}

/** Strong ETag of a row that carries a version counter. */
export const versionEtag = (version: number | string): string => `"${version}"`;

/**
 * True when an If-Match header lets a change go ahead against a resource whose tag is `etag`: no
 * header (optimistic locking is opt-in), `*`, or a list naming the tag. A weak prefix (W/) is
 * ignored, because clients and proxies add it while the tag still names the same representation.
 */
export function ifMatchAllows(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const want = etag.replace(/^W\//, "");
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag.replace(/^W\//, "") === want;
  });
}
