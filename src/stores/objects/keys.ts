// Names the objects port accepts, checked before any adapter sees them: object keys that can
// never escape a bucket folder, S3-style bucket names, metadata and content types safe as headers.
import { StoreError } from "../errors.ts";
import type { LifecycleRule } from "./port.ts";

/** Longest key in UTF-8 bytes, as S3 allows. */
export const MAX_KEY_BYTES = 1024;
/** Largest total of user metadata names and values in bytes, as S3 allows. */
export const MAX_METADATA_BYTES = 2048;
/** Longest signed URL lifetime, as S3 allows (7 days). */
export const MAX_SIGNED_SECONDS = 7 * 24 * 3600;
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

const encoder = new TextEncoder();
// C0 controls, DEL and C1 controls: none of them belongs in a key, a header or a file name.
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const METADATA_NAME = /^[a-z0-9][a-z0-9_-]{0,127}$/;
// Names S3 already gives a meaning to: as user metadata they would be confused with real headers.
const RESERVED_METADATA = new Set([
  "content-type",
  "content-length",
  "content-encoding",
  "content-disposition",
  "content-language",
  "cache-control",
  "etag",
  "expires",
  "last-modified",
]);

function invalid(message: string, field: string): StoreError {
  return new StoreError("invalid", "objects", message, { field });
}

/**
 * Returns `key` when it is a safe object key, else throws an `invalid` StoreError.
 *
 * Refused: empty keys, more than 1024 UTF-8 bytes, a leading "/", backslashes, control
 * characters, empty segments ("a//b", "a/"), and "." or ".." segments. A ".." inside a segment
 * ("v1..2.txt") is allowed: only a whole segment can climb out of a folder.
 *
 * @example
 * ```ts
 * validateKey("2026/11/contract/42/signed.pdf"); // ok
 * validateKey("../etc/passwd"); // throws StoreError("invalid")
 * ```
 */
export function validateKey(key: string): string {
  if (typeof key !== "string" || key.length === 0) throw invalid("key must not be empty", "key");
  if (encoder.encode(key).length > MAX_KEY_BYTES) {
    throw invalid(`key must be at most ${MAX_KEY_BYTES} bytes`, "key");
  }
  if (key.startsWith("/")) throw invalid("key must not start with '/'", "key");
  if (key.includes("\\")) throw invalid("key must not contain a backslash", "key");
  if (CONTROL.test(key)) throw invalid("key must not contain control characters", "key");
  if (!key.isWellFormed()) throw invalid("key must be valid Unicode", "key");
  for (const segment of key.split("/")) {
    if (segment === "") throw invalid("key must not contain empty segments", "key");
    if (segment === "." || segment === "..") {
      throw invalid("key must not contain '.' or '..' segments", "key");
    }
  }
  return key;
}

/**
 * Returns `prefix` when it can start a key: "" or any string that a valid key could begin with
 * ("2026/", "2026/1", "temp/").
 */
export function validatePrefix(prefix: string): string {
  if (typeof prefix !== "string") throw invalid("prefix must be a string", "prefix");
  if (prefix === "") return prefix;
  try {
    // A partial last segment is fine ("a/.", "a/.."), as keys starting with it are ("a/..x").
    validateKey(`${prefix}x`);
  } catch (err) {
    throw invalid(`prefix is not the start of a valid key: ${(err as Error).message}`, "prefix");
  }
  return prefix;
}

/**
 * Returns `name` when it is a bucket name: 3 to 63 characters of lowercase letters, digits and
 * hyphens, starting and ending with a letter or digit.
 */
export function validateBucket(name: string): string {
  if (typeof name !== "string" || !BUCKET.test(name)) {
    throw invalid(
      "bucket name must be 3-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit",
      "bucket",
    );
  }
  return name;
}

/** Returns the content type to store: the default when absent, refused when unsafe as a header. */
export function validateContentType(contentType: string | undefined): string {
  if (contentType === undefined) return DEFAULT_CONTENT_TYPE;
  const ct = contentType.trim();
  if (ct === "" || ct.length > 255 || CONTROL.test(ct) || !/^[\x20-\x7e]+$/.test(ct)) {
    throw invalid("content type must be 1-255 printable ASCII characters", "content_type");
  }
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;.*)?$/i.test(ct)) {
    throw invalid("content type must look like type/subtype", "content_type");
  }
  return ct;
}

/**
 * Returns user metadata with lowercased names (S3 lowercases them too). Names are letters,
 * digits, "-" and "_", not one of the standard header names nor starting with "x-amz-"; values
 * are printable ASCII, since both travel as HTTP headers on S3.
 */
export function validateMetadata(
  metadata: Record<string, string> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (metadata === undefined) return out;
  let bytes = 0;
  for (const [rawName, value] of Object.entries(metadata)) {
    const name = rawName.toLowerCase();
    if (!METADATA_NAME.test(name) || RESERVED_METADATA.has(name) || name.startsWith("x-amz-")) {
      throw invalid(`metadata name ${JSON.stringify(rawName)} is not allowed`, "metadata");
    }
    if (name in out) throw invalid(`metadata name ${JSON.stringify(name)} is repeated`, "metadata");
    if (typeof value !== "string" || !/^[\x20-\x7e]*$/.test(value)) {
      throw invalid(`metadata ${name} must be printable ASCII`, "metadata");
    }
    bytes += name.length + value.length;
    out[name] = value;
  }
  if (bytes > MAX_METADATA_BYTES) {
    throw invalid(`metadata must total at most ${MAX_METADATA_BYTES} bytes`, "metadata");
  }
  return out;
}

/** Returns `seconds` when it is a whole number of seconds from 1 to 7 days. */
export function validateExpiry(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SIGNED_SECONDS) {
    throw invalid(
      `expiry must be a whole number of seconds from 1 to ${MAX_SIGNED_SECONDS}`,
      "expires",
    );
  }
  return seconds;
}

/** Returns `limit` for a list call: default 1000, else a whole number of at least 1. */
export function validateLimit(limit: number | undefined): number {
  if (limit === undefined) return 1000;
  if (!Number.isInteger(limit) || limit < 1) {
    throw invalid("limit must be a whole number of at least 1", "limit");
  }
  return limit;
}

/** Returns `days` for a lifecycle rule: a whole number of days of at least 1. */
export function validateExpireDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > 100 * 365) {
    throw invalid("expireDays must be a whole number of days from 1 to 36500", "expireDays");
  }
  return days;
}

/**
 * Orders keys as S3 lists them: by UTF-8 bytes, which is code point order. Plain `<` compares
 * UTF-16 units and would put U+10000 and above before U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i)!;
    const cb = b.codePointAt(i)!;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Percent-encodes each segment of a key, keeping "/" so URLs stay readable. */
export function encodeKeyPath(key: string): string {
  return key.split("/").map(encodeURIComponent).join("/");
}

/** Checks lifecycle rules (at most 1000) and returns clean copies. */
export function validateRules(rules: readonly LifecycleRule[]): LifecycleRule[] {
  if (!Array.isArray(rules) || rules.length > 1000) {
    throw invalid("lifecycle takes at most 1000 rules", "lifecycle");
  }
  return rules.map((r) => ({
    prefix: validatePrefix(r.prefix),
    expireDays: validateExpireDays(r.expireDays),
  }));
}

/** Rules in a stable order (prefix, then days), so every adapter reads them back alike. */
export function sortRules(rules: readonly LifecycleRule[]): LifecycleRule[] {
  return [...rules].sort((a, b) => compareKeys(a.prefix, b.prefix) || a.expireDays - b.expireDays);
}

/** True when `bucket` and `key` are names the port accepts (for checks that answer, not throw). */
export function isWellFormedObject(bucket: string, key: string): boolean {
  try {
    validateBucket(bucket);
    validateKey(key);
    return true;
  } catch {
    return false;
  }
}
