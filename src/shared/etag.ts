/**
 * Entity tags and the one If-Match rule every domain applies. A tag is either a hash of the
 * representation (`etagOf`, for rows without a version column) or a quoted version number
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
 * Strong ETag of a row: a quoted base64url SHA-256 prefix of its JSON. Hashed synchronously:
 * WebCrypto's digest is a round trip to a worker thread, ~100 us per read by id in the profile.
 */
export function etagOf(row: Readonly<Record<string, unknown>>): string {
  return etagOfJson(JSON.stringify(row));
}

/** The ETag of a representation already serialised (`etagOf` of the value it was made from). */
export function etagOfJson(json: string): string {
  return `"${encodeBase64url(createHash("sha256").update(json).digest().subarray(0, 18))}"`;
}

/**
 * A row with its JSON text and that text's tag: serialised once for both the tag and the answer
 * (twice cost ~14 us per read by id in the profile).
 */
export function taggedJson<R extends Readonly<Record<string, unknown>>>(
  row: R,
): { row: R; json: string; etag: string } {
  const json = JSON.stringify(row);
  return { row, json, etag: etagOfJson(json) };
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
