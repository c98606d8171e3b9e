/**
 * File names and object keys: a client's file name becomes one safe key segment (refused when it
 * tries to be a path), and keys follow seed 004's convention,
 * `{year}/{month}/{entity_type}/{entity_id}/{file}`, or `users/{id}/{file}` for avatars.
 *
 * @module
 */
import { unprocessable } from "../errors.ts";

const MAX_NAME_BYTES = 200;
// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The stored name for `raw`: Unicode NFC; letters, digits, ".", "-" and "_" kept, anything else
 * (spaces, quotes, "%", "#") replaced by "_"; at most 200 UTF-8 bytes, the extension kept.
 * Refused with 422 when it names a path: a "/" or "\\", a control character, ".", "..", or a
 * leading dot.
 */
export function sanitizeFilename(raw: string): string {
  const refuse = (message: string) =>
    unprocessable("The file name is not allowed", [{ path: "filename", message }]);
  const name = raw.normalize("NFC").trim();
  if (name === "") throw refuse("must not be empty");
  if (name.includes("/") || name.includes("\\")) throw refuse("must not contain a path");
  if (CONTROL.test(name) || !name.isWellFormed()) throw refuse("must not hold control characters");
  if (name.startsWith(".")) throw refuse("must not start with a dot (nor be '.' or '..')");
  let clean = name.replace(/[^\p{L}\p{N}._-]+/gu, "_").replace(/_+/g, "_");
  const encoder = new TextEncoder();
  if (encoder.encode(clean).length > MAX_NAME_BYTES) {
    const dot = clean.lastIndexOf(".");
    const ext = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : "";
    let stem = clean.slice(0, clean.length - ext.length);
    while (encoder.encode(stem + ext).length > MAX_NAME_BYTES) {
      stem = [...stem].slice(0, -1).join("");
    }
    clean = stem + ext;
  }
  return clean;
}

/** "report.pdf" + "1a2b3c4d" -> "report-1a2b3c4d.pdf": a second file of the same name. */
export function withSuffix(name: string, suffix: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)}-${suffix}${name.slice(dot)}` : `${name}-${suffix}`;
}

/** The object key of a file attached to an entity, in the month of `nowMs` (UTC). */
export function objectKey(
  nowMs: number,
  entityType: string,
  entityId: string,
  filename: string,
): string {
  if (entityType === "user") return `users/${entityId}/${filename}`;
  const d = new Date(nowMs);
  const month = String(d.getUTCMonth() + 1).padStart(2, "0");
  return `${d.getUTCFullYear()}/${month}/${entityType}/${entityId}/${filename}`;
}

/** True when `key` follows the convention (the orphan sweep only touches such keys). */
export function isConventionKey(key: string): boolean {
  return /^(\d{4}\/\d{2}\/[a-z_]+|users)\/[0-9a-f-]{36}\/[^/]+$/.test(key);
}
