/**
 * Argument checks shared by the cache adapters, so both refuse the same bad input with the same
 * `invalid` StoreError instead of one adapter passing it to Redis and the other guessing.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

/** Default and ceiling for `scan`'s limit. */
export const DEFAULT_SCAN_LIMIT = 1000;

/** An optional expiry: undefined stays undefined; otherwise a positive whole number of ms. */
export function optionalTtl(ttlMs: number | undefined): number | undefined {
  return ttlMs === undefined ? undefined : requiredTtl(ttlMs);
}

/** A required expiry in ms, rounded up to a whole millisecond. */
export function requiredTtl(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw invalid("ttlMs must be a positive number");
  return Math.ceil(ttlMs);
}

/** An integer increment for `incr`. */
export function intIncrement(by: number): number {
  if (!Number.isSafeInteger(by)) throw invalid("incr takes a whole number");
  return by;
}

/** A decimal increment for `incrFloat`. */
export function floatIncrement(by: number): number {
  if (!Number.isFinite(by)) throw invalid("incrFloat takes a finite number");
  return by;
}

/** A scan limit: a positive whole number, default 1000. */
export function scanLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_SCAN_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalid("limit must be a positive integer");
  return limit;
}

/**
 * Throttle parameters: a positive whole limit, a positive window, 1..limit tokens wanted and a
 * refund of 0..limit; returns want and refund with their defaults.
 */
export function throttleArgs(
  limit: number,
  windowMs: number,
  take: { want?: number; refund?: number } = {},
): { want: number; refund: number } {
  if (!Number.isSafeInteger(limit) || limit < 1) throw invalid("limit must be a positive integer");
  if (!Number.isFinite(windowMs) || windowMs < 1) throw invalid("windowMs must be at least 1");
  const { want = 1, refund = 0 } = take;
  if (!Number.isSafeInteger(want) || want < 1) throw invalid("want must be a positive integer");
  if (!Number.isSafeInteger(refund) || refund < 0) throw invalid("refund must be a whole number");
  return { want: Math.min(want, limit), refund: Math.min(refund, limit) };
}

/** The `invalid` error for a value that is not a number where a counter is expected. */
export function notANumber(key: string): StoreError {
  return invalid(`cache value at ${JSON.stringify(key)} is not a number`);
}

function invalid(message: string): StoreError {
  return new StoreError("invalid", "cache", message);
}
