/**
 * TTL expiry for document adapters that cannot rely on the server's own TTL monitor: the store
 * type that exposes a sweep, and a background sweeper that never overlaps itself.
 *
 * @module
 */
import type { DocumentStore } from "./port.ts";

/** A document store whose TTL indexes can also be swept on demand (tests, admin tools). */
export interface TtlDocumentStore extends DocumentStore {
  /**
   * Deletes documents whose TTL-indexed Date plus `expireAfterSeconds` lies before `now`
   * (default: the current time); returns how many were deleted.
   */
  sweepExpired(now?: Date): Promise<number>;
}

/** Default pause between background sweeps: MongoDB's TTL monitor also runs once a minute. */
export const DEFAULT_SWEEP_INTERVAL_MS = 60_000;

/**
 * Calls `sweep` every `intervalMs` until the returned function is called. A sweep that fails
 * (store briefly down) is simply retried at the next tick; the timer does not keep the process
 * alive on its own.
 */
export function startSweeper(intervalMs: number, sweep: () => Promise<unknown>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep().catch(() => {}).finally(() => (running = false));
  }, intervalMs);
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
