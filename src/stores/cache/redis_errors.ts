/**
 * Maps ioredis failures to the port's few store errors: bad values are `invalid`, slow replies are
 * `timeout`, and everything else (refused, reset, closed, cluster down) is `unavailable`.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

const INVALID = /WRONGTYPE|not an integer|not a valid float|overflow|NaN or Infinity/i;
const TIMEOUT = /timed out/i;

/** Turns anything ioredis throws into a StoreError; StoreErrors pass through unchanged. */
export function toStoreError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const message = (err instanceof Error ? err.message : String(err)).slice(0, 200);
  if (INVALID.test(message)) return new StoreError("invalid", "cache", message, { cause: err });
  if (TIMEOUT.test(message)) {
    return new StoreError("timeout", "cache", `cache ${message}`, { cause: err });
  }
  return new StoreError("unavailable", "cache", `cache unavailable: ${message}`, { cause: err });
}
