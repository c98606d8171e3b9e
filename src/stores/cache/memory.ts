/**
 * The embedded cache adapter: a bounded in-process LRU (npm:lru-cache) with per-key TTLs and the
 * same semantics as the Redis adapter, so a single instance runs with no Redis at all.
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import { StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import {
  floatIncrement,
  intIncrement,
  notANumber,
  optionalTtl,
  requiredTtl,
  scanLimit,
  throttleArgs,
} from "./args.ts";
import { gcra } from "./gcra.ts";
import { globToRegExp } from "./glob.ts";
import { createLogger, type Logger } from "../../log.ts";
import type {
  CacheInfo,
  CacheStore,
  SubscriptionEvents,
  ThrottleResult,
  ThrottleTake,
} from "./port.ts";

/** Bounds of the in-process cache; the least recently used keys go first when either is hit. */
export interface MemoryCacheOptions {
  /** Most keys held (default 100,000). */
  maxEntries?: number;
  /** Most bytes held, keys and values counted as UTF-16 plus a fixed overhead (default 64 MiB). */
  maxBytes?: number;
  /** Where a failing subscriber is reported (default: errors only, to stdout as JSON). */
  log?: Logger;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Rough per-entry bookkeeping cost (slots in lru-cache's arrays, the Map entry). */
const ENTRY_OVERHEAD = 64;

/**
 * Opens the in-process cache. Nothing runs in the background: expired keys are dropped lazily
 * when touched or counted, so no timer keeps the process alive.
 *
 * @example
 * const cache = openMemoryCache({ maxEntries: 10_000 });
 * await cache.set("session:1", "{}", 60_000);
 */
export function openMemoryCache(opts: MemoryCacheOptions = {}): CacheStore {
  return new MemoryCache(opts);
}

function entrySize(value: string, key: string): number {
  return (key.length + value.length) * 2 + ENTRY_OVERHEAD;
}

class MemoryCache implements CacheStore {
  readonly adapter = "memory";
  readonly #lru: LRUCache<string, string>;
  readonly #maxBytes: number;
  readonly #log: Logger;
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  #closed = false;

  constructor(opts: MemoryCacheOptions) {
    const max = opts.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.#maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
    this.#log = opts.log ?? createLogger("error");
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new StoreError("invalid", "cache", "maxEntries must be a positive integer");
    }
    if (!Number.isSafeInteger(this.#maxBytes) || this.#maxBytes < 1) {
      throw new StoreError("invalid", "cache", "maxBytes must be a positive integer");
    }
    this.#lru = new LRUCache<string, string>({
      max,
      maxSize: this.#maxBytes,
      sizeCalculation: entrySize,
      // No autopurge timers and no clock-caching timer: expiry is checked on access.
      ttlAutopurge: false,
      ttlResolution: 0,
      allowStale: false,
      updateAgeOnGet: false,
      updateAgeOnHas: false,
    });
  }

  get(key: string): Promise<string | null> {
    return this.#run(() => this.#lru.get(key) ?? null);
  }

  set(key: string, value: string, ttlMs?: number): Promise<void> {
    return this.#run(() => {
      this.#put(key, value, optionalTtl(ttlMs) ?? 0);
    });
  }

  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    return this.#run(() => {
      const ttl = optionalTtl(ttlMs) ?? 0;
      if (this.#lru.has(key)) return false;
      this.#put(key, value, ttl);
      return true;
    });
  }

  del(...keys: string[]): Promise<number> {
    return this.#run(() => {
      let n = 0;
      // `has` first: a stale entry is gone for callers and must not count as deleted.
      for (const key of new Set(keys)) if (this.#lru.has(key) && this.#lru.delete(key)) n++;
      return n;
    });
  }

  delPrefix(prefix: string): Promise<number> {
    return this.#run(() => {
      const doomed = [...this.#lru.keys()].filter((k) => k.startsWith(prefix));
      for (const key of doomed) this.#lru.delete(key);
      return doomed.length;
    });
  }

  scan(pattern: string, limit?: number): Promise<string[]> {
    return this.#run(() => {
      const max = scanLimit(limit);
      const re = globToRegExp(pattern);
      const out: string[] = [];
      // keys() skips stale entries, so expired keys never show up.
      for (const key of this.#lru.keys()) {
        if (re.test(key)) out.push(key);
        if (out.length >= max) break;
      }
      return out;
    });
  }

  ttl(key: string): Promise<number | null> {
    return this.#run(() => this.#ttl(key));
  }

  incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    return this.#run(() => {
      const step = intIncrement(by);
      const ttl = optionalTtl(ttlMs);
      const current = this.#lru.get(key);
      let base = 0;
      if (current !== undefined) {
        if (!/^-?\d+$/.test(current)) throw notANumber(key);
        base = Number(current);
      }
      const next = base + step;
      if (!Number.isSafeInteger(next) || (current !== undefined && !Number.isSafeInteger(base))) {
        throw new StoreError("invalid", "cache", "increment would overflow");
      }
      this.#update(key, String(next), current === undefined, ttl);
      return next;
    });
  }

  incrFloat(key: string, by: number, ttlMs?: number): Promise<number> {
    return this.#run(() => {
      const step = floatIncrement(by);
      const ttl = optionalTtl(ttlMs);
      const current = this.#lru.get(key);
      let base = 0;
      if (current !== undefined) {
        base = current.trim() === current && current !== "" ? Number(current) : NaN;
        if (!Number.isFinite(base)) throw notANumber(key);
      }
      // Redis adds in long double and prints at most 17 decimals, so 0.1 + 0.2 reads back as 0.3;
      // 15 significant digits gives the same tidy sums with doubles.
      const next = Number((base + step).toPrecision(15));
      if (!Number.isFinite(next)) {
        throw new StoreError("invalid", "cache", "increment would produce NaN or Infinity");
      }
      this.#update(key, String(next), current === undefined, ttl);
      return next;
    });
  }

  throttle(
    key: string,
    limit: number,
    windowMs: number,
    take?: ThrottleTake,
  ): Promise<ThrottleResult> {
    return this.#run(() => {
      const { want, refund } = throttleArgs(limit, windowMs, take);
      const raw = this.#lru.get(key);
      const stored = raw === undefined ? NaN : Number(raw);
      const nowUs = Math.round(performance.now() * 1000);
      const step = gcra(
        Number.isFinite(stored) ? stored : null,
        nowUs,
        limit,
        windowMs,
        want,
        refund,
      );
      if (step.storeTatUs !== null) this.#put(key, String(step.storeTatUs), step.keepMs);
      return step.result;
    });
  }

  acquireLock(key: string, ttlMs: number): Promise<string | null> {
    return this.#run(() => {
      const ttl = requiredTtl(ttlMs);
      if (this.#lru.has(key)) return null;
      const token = crypto.randomUUID();
      this.#put(key, token, ttl);
      return token;
    });
  }

  releaseLock(key: string, token: string): Promise<boolean> {
    return this.#run(() => {
      if (this.#lru.get(key) !== token) return false;
      return this.#lru.delete(key);
    });
  }

  publish(channel: string, message: string): Promise<void> {
    return this.#run(() => {
      const handlers = this.#channels.get(channel);
      if (!handlers) return;
      // Delivered later, as Redis does, so a publisher never runs subscriber code in its own
      // call stack; a microtask needs no timer.
      for (const handler of [...handlers]) {
        queueMicrotask(() => {
          // Subscribers that were removed in the meantime get nothing, as with UNSUBSCRIBE.
          if (!this.#channels.get(channel)?.has(handler)) return;
          try {
            handler(message);
          } catch (err) {
            this.#log.error("cache subscriber failed", { channel, error: String(err) });
          }
        });
      }
    });
  }

  // In-process delivery is never cut, so the subscription events never fire.
  subscribe(
    channel: string,
    handler: (message: string) => void,
    _events?: SubscriptionEvents,
  ): Promise<() => Promise<void>> {
    return this.#run(() => {
      let handlers = this.#channels.get(channel);
      if (!handlers) this.#channels.set(channel, handlers = new Set());
      // Each subscription gets its own wrapper, so subscribing one function twice and
      // unsubscribing once still leaves one subscription, as with two Redis subscribers.
      const own = (message: string) => handler(message);
      handlers.add(own);
      return () => {
        const set = this.#channels.get(channel);
        set?.delete(own);
        if (set?.size === 0) this.#channels.delete(channel);
        return Promise.resolve();
      };
    });
  }

  info(): Promise<CacheInfo> {
    return this.#run(() => {
      this.#lru.purgeStale();
      return { keys: this.#lru.size, memory_bytes: this.#lru.calculatedSize };
    });
  }

  health(): Promise<StoreHealth> {
    return measureHealth(this.adapter, () => this.#run(() => this.#lru.size));
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#lru.clear();
    this.#channels.clear();
    return Promise.resolve();
  }

  /** Runs a synchronous operation as a promise, refusing once closed and rejecting on throw. */
  #run<T>(fn: () => T): Promise<T> {
    if (this.#closed) {
      return Promise.reject(new StoreError("unavailable", "cache", "cache is closed"));
    }
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Stores with a fresh expiry (0 = none), refusing what could never fit instead of dropping it. */
  #put(key: string, value: string, ttl: number): void {
    if (entrySize(value, key) > this.#maxBytes) {
      throw new StoreError(
        "invalid",
        "cache",
        `value too large for the cache (${this.#maxBytes} bytes)`,
      );
    }
    this.#lru.set(key, value, { ttl });
  }

  /** Writes a counter: a new key takes `ttl`; an existing one keeps its expiry, as INCRBY does. */
  #update(key: string, value: string, created: boolean, ttl: number | undefined): void {
    if (created) this.#put(key, value, ttl ?? 0);
    else this.#lru.set(key, value, { noUpdateTTL: true });
  }

  #ttl(key: string): number | null {
    if (!this.#lru.has(key)) return null;
    const remaining = this.#lru.getRemainingTTL(key);
    if (remaining === Infinity) return -1;
    return remaining < 0 ? null : Math.ceil(remaining);
  }
}
