/**
 * MinIO driver failures as StoreErrors, by S3 error code or driver error name.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

export function isDriverCode(err: unknown, code: string): boolean {
  const cause = err instanceof StoreError ? err.cause : err;
  return (cause as { code?: unknown })?.code === code;
}

const NOT_FOUND = new Set(["NoSuchKey", "NotFound", "NoSuchBucket", "NoSuchObject"]);
const CONFLICT = new Set(["BucketNotEmpty", "BucketAlreadyExists", "BucketAlreadyOwnedByYou"]);
const INVALID = new Set([
  "InvalidBucketName",
  "InvalidObjectName",
  "XMinioInvalidObjectName",
  "KeyTooLongError",
  "InvalidArgument",
  "EntityTooLarge",
  "MalformedXML",
]);
const TIMEOUT = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "RequestTimeout",
  "UND_ERR_CONNECT_TIMEOUT",
]);
const INVALID_NAMES = new Set([
  "InvalidBucketNameError",
  "InvalidObjectNameError",
  "InvalidArgumentError",
  "ExpiresParamError",
]);

/**
 * Driver failures as store errors. Connection failures, server trouble and refused credentials
 * all mean "unavailable" to a caller: none of them is the caller's fault.
 */
export function mapMinioError(err: unknown, what: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = String((err as { code?: unknown })?.code ?? "");
  const name = err instanceof Error ? err.name : "";
  const msg = err instanceof Error ? err.message : String(err);
  const opts = { cause: err };
  if (NOT_FOUND.has(code)) return new StoreError("not_found", "objects", `${what}: ${msg}`, opts);
  if (CONFLICT.has(code)) return new StoreError("conflict", "objects", `${what}: ${msg}`, opts);
  if (INVALID.has(code) || INVALID_NAMES.has(name)) {
    return new StoreError("invalid", "objects", `${what}: ${msg}`, opts);
  }
  if (TIMEOUT.has(code)) return new StoreError("timeout", "objects", `${what} timed out`, opts);
  return new StoreError(
    "unavailable",
    "objects",
    `objects store failed during ${what}: ${code || msg}`.slice(0, 300),
    opts,
  );
}
