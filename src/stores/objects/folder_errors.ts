/**
 * File-system failures of the folder adapter as StoreErrors: one mapping from errno codes to the
 * port's few codes, and the adapter's standard refusals (missing object, missing bucket, escape).
 *
 * @module
 */
import { StoreError } from "../errors.ts";

export function missing(bucket: string, key: string): StoreError {
  return new StoreError("not_found", "objects", `object ${bucket}/${key} does not exist`);
}

export function noBucket(bucket: string): StoreError {
  return new StoreError("not_found", "objects", `bucket ${bucket} does not exist`);
}

export function outside(key: string): StoreError {
  return new StoreError("invalid", "objects", `key ${JSON.stringify(key)} leaves its bucket`, {
    field: "key",
  });
}

export function ignoreNotFound(err: unknown): void {
  if (!(err instanceof Deno.errors.NotFound)) throw err;
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Runs a file-system call, turning its failure into a StoreError. */
export async function fs<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapFsError(err, "");
  }
}

/**
 * File-system failures as store errors; anything that is not one (a caller's stream failing)
 * is returned unchanged.
 */
export function mapFsError(err: unknown, key: string): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown })?.code;
  if (!(err instanceof Error) || typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return err;
  switch (code) {
    case "ENOENT":
      return new StoreError("not_found", "objects", `not found: ${key}`, { cause: err });
    case "ENOTDIR":
    case "EISDIR":
    case "EEXIST":
    case "ENOTEMPTY":
      // On disk a key cannot be both a file and the folder of longer keys ("a" and "a/b").
      return new StoreError(
        "conflict",
        "objects",
        `key ${
          JSON.stringify(key)
        } clashes with an existing key that is a file or a folder of keys`,
        { cause: err, field: "key" },
      );
    case "ENAMETOOLONG":
      return new StoreError("invalid", "objects", "a key segment is too long for the file system", {
        cause: err,
        field: "key",
      });
    default:
      return new StoreError("unavailable", "objects", `object folder failed: ${code}`, {
        cause: err,
      });
  }
}
