/**
 * The cache port: Redis semantics over npm:ioredis (server) or a bounded in-process LRU
 * (embedded). A cache outage must make reads slower, never wrong: callers treat every failure
 * here as a miss or fall back, and the relational store stays the source of truth.
 *
 * @module
 */
import type { StoreHealth } from "../health.ts";

export interface ThrottleResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until a full quota is available again. */
  resetMs: number;
  /** When refused: milliseconds until the next request would be allowed. */
  retryAfterMs: number;
  /** Requests granted by this call: 0 when refused, else 1 up to what was asked for. */
  granted: number;
}

/** A batch asked of the rate limiter (see CacheStore.throttle). */
export interface ThrottleTake {
  want?: number;
  refund?: number;
}

export interface SubscriptionEvents {
  /** The subscription is cut: messages published from now on may never arrive. */
  onInterrupted?: () => void;
  /** The subscription is whole again; what was published while cut is lost. */
  onResumed?: () => void;
}

export interface CacheInfo {
  keys: number;
  memory_bytes: number;
}

export interface CacheStore {
  readonly adapter: string;
  get(key: string): Promise<string | null>;
  /** Stores a value, with an expiry in milliseconds when given. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Stores only when the key is absent; true when it stored. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  del(...keys: string[]): Promise<number>;
  /** Deletes every key that starts with `prefix`; returns how many. Uses SCAN, never KEYS. */
  delPrefix(prefix: string): Promise<number>;
  /** Keys matching a glob (`*`, `?`), at most `limit` (default 1000). Uses SCAN, never KEYS. */
  scan(pattern: string, limit?: number): Promise<string[]>;
  /** Remaining time to live in ms; -1 when the key has no expiry; null when there is no key. */
  ttl(key: string): Promise<number | null>;
  /** Atomically adds `by` (integer) and sets `ttlMs` when the key is new; returns the new value. */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>;
  /** Like `incr` for decimal amounts (spend counters). */
  incrFloat(key: string, by: number, ttlMs?: number): Promise<number>;
  /**
   * Atomic rate limiter (GCRA): `limit` requests per `windowMs`, counted under `key`. The whole
   * decision is one round trip (a Lua script on Redis) so concurrent instances agree.
   * `take.want` (default 1) asks for up to that many requests at once: as many as fit now are
   * granted (`granted`), at least one or the call is refused; `remaining` is what is left after
   * them. `take.refund` first gives back requests granted earlier and never made.
   */
  throttle(
    key: string,
    limit: number,
    windowMs: number,
    take?: ThrottleTake,
  ): Promise<ThrottleResult>;
  /** Takes a lock; returns a token when taken, null when someone else holds it. */
  acquireLock(key: string, ttlMs: number): Promise<string | null>;
  /** Frees the lock only when `token` still holds it; true when freed. */
  releaseLock(key: string, token: string): Promise<boolean>;
  publish(channel: string, message: string): Promise<void>;
  /**
   * Delivers messages published on `channel` by any instance; returns an unsubscribe function.
   * Delivery is at most once: `events` hears when the subscription is cut (messages published
   * from then on are lost) and when it is whole again, so a subscriber can resynchronise.
   */
  subscribe(
    channel: string,
    handler: (message: string) => void,
    events?: SubscriptionEvents,
  ): Promise<() => Promise<void>>;
  info(): Promise<CacheInfo>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
