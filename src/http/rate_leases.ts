/**
 * Requests taken from the shared rate limiter in small batches and spent by this instance: a busy
 * caller costs one cache round trip per batch instead of one per request, and the limit still
 * holds across instances, because every request spent here was granted by the shared limiter
 * first. What a batch has left when it lapses is refunded with the next batch of the same key.
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import type { ThrottleResult, ThrottleTake } from "../stores/cache/port.ts";

/** How long a batch is spent here before what is left goes back to the shared limiter. */
export const LEASE_MS = 1_000;

/**
 * The largest batch for a limit: a 64th of it, at most 64, so a caller switching instances
 * meets at most that many requests held elsewhere, and small limits are counted one by one.
 */
export function maxBatch(limit: number): number {
  return Math.max(1, Math.min(64, Math.floor(limit / 64)));
}

interface Lease {
  left: number;
  size: number;
  takenAt: number;
  result: ThrottleResult;
}

export class RateLeases {
  readonly #leases = new LRUCache<string, Lease>({ max: 10_000 });

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** One request from this instance's batch for `key`, or null when it has none to spend. */
  spend(key: string): ThrottleResult | null {
    const lease = this.#leases.get(key);
    if (lease === undefined || lease.left === 0) return null;
    const elapsed = this.now() - lease.takenAt;
    if (elapsed >= LEASE_MS) return null;
    lease.left--;
    const r = lease.result;
    return {
      allowed: true,
      limit: r.limit,
      // What the shared limiter had left, plus what this batch still holds.
      remaining: r.remaining + lease.left,
      resetMs: Math.max(0, Math.ceil(r.resetMs - elapsed)),
      retryAfterMs: 0,
      granted: 1,
    };
  }

  /**
   * What to ask the shared limiter for: batches double while each is spent within LEASE_MS,
   * shrink when one lapses, stay small when little is left; lapsed requests are refunded.
   */
  take(key: string, limit: number): ThrottleTake {
    const lease = this.#leases.get(key);
    if (lease === undefined) return { want: 1 };
    const lapsed = this.now() - lease.takenAt >= LEASE_MS;
    const refund = lapsed ? lease.left : 0;
    lease.left -= refund;
    let want = lapsed && refund > 0
      ? Math.max(1, lease.size >> 1)
      : Math.min(maxBatch(limit), lease.size * 2);
    // Near the end of a quota a batch would strand requests here that other instances need.
    want = Math.max(1, Math.min(want, Math.floor(lease.result.remaining / 4)));
    return refund > 0 ? { want, refund } : { want };
  }

  /**
   * Keeps what a throttle call granted beyond the request that asked for it; returns the
   * decision to show that request (its `remaining` counts what this instance now holds).
   */
  keep(key: string, result: ThrottleResult): ThrottleResult {
    if (!result.allowed) {
      this.#leases.delete(key);
      return result;
    }
    const granted = Math.max(1, result.granted);
    const now = this.now();
    // Batches taken side by side by concurrent requests add up rather than replace each other.
    const current = this.#leases.get(key);
    const carried = current !== undefined && now - current.takenAt < LEASE_MS ? current.left : 0;
    const left = carried + granted - 1;
    this.#leases.set(key, { left, size: granted, takenAt: now, result });
    return { ...result, remaining: result.remaining + left };
  }
}
