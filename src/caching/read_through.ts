/**
 * Read-through caching that stays correct when the cache misbehaves. Entries belong to a
 * namespace whose generation (a random token under `gen:<ns>`) is read before the database, and
 * an entry counts only while its generation is current, so a fill that raced an invalidation can
 * never be served. An invalidation that fails (cache down) is kept here and retried, and until
 * it lands this instance bypasses that namespace: an outage makes reads slower, never wrong.
 * Invalidations that must survive the instance too go through the outbox
 * (invalidation_outbox.ts); after any cache failure this instance settles that outbox (the
 * `settle` step) before it trusts a cached entry again.
 *
 * @module
 */
import type { z } from "zod";
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import { ALL_NAMESPACES, GENERATIONS_CHANNEL, LocalTier } from "./local_tier.ts";

export { ALL_NAMESPACES };

const noop = () => {};

/** Generations outlive every entry TTL. */
const GEN_TTL_MS = 7 * 24 * 3_600_000;

// Kept outside the namespace so dropping a namespace prefix never drops its generation.
const GENERATION_PREFIX = "gen:";
export const generationKey = (namespace: string) => `${GENERATION_PREFIX}${namespace}`;

interface Envelope {
  g: string;
  v: unknown;
}

/** The longest an in-process copy is served, whatever the entry's TTL in the cache. */
const LOCAL_TTL_MS = 30_000;

export interface GetOptions {
  /**
   * Also keep the value in process (local_tier.ts) while this instance hears every generation
   * change. The same object is then handed to every caller: only for values nobody mutates.
   */
  local?: boolean;
}

export interface ReadThroughResult<T> {
  value: T;
  hit: boolean;
}

/** What to drop besides bumping the generation. */
export interface Drop {
  keys?: readonly string[];
  prefix?: string;
}

/** The outbox steps a ReadThroughCache runs (set once by createApp, which owns the outbox). */
export interface OutboxSteps {
  /**
   * Applies invalidations that other instances may owe (the outbox). Called, once at a time,
   * before the first cached read after a cache failure; while it throws, reads use the database.
   */
  settle?: () => Promise<void>;
  /**
   * Records an invalidation that could not be applied where every instance will apply it (the
   * outbox), so it is not owed by this instance alone.
   */
  owe?: (namespace: string, drop: Drop) => Promise<void>;
}

export class ReadThroughCache {
  readonly #pending = new Set<string>();
  /**
   * Cache failures seen, and how many of them a settle has covered: while they differ, entries
   * may be stale until the outbox is applied. Counting (not a flag) keeps a failure that happens
   * during a settle from being cleared by it.
   */
  #failures = 0;
  #settled = 0;
  #settling: Promise<boolean> | undefined;
  #settle: (() => Promise<void>) | undefined;
  #owe: ((namespace: string, drop: Drop) => Promise<void>) | undefined;
  /** Per namespace, the generation bump in flight and the one queued behind it. */
  readonly #bumps = new Map<string, { running?: Promise<void>; queued?: Promise<void> }>();

  /** Turned on by generation_sync.ts while this instance hears GENERATIONS_CHANNEL. */
  readonly local = new LocalTier();

  constructor(private readonly cache: CacheStore, private readonly log: Logger) {}

  /** Sets the outbox steps; set after construction because they need this cache itself. */
  setOutbox(steps: OutboxSteps): void {
    this.#settle = steps.settle;
    this.#owe = steps.owe;
  }

  /** Distrust cached entries until the next successful settle (e.g. a subscription was cut). */
  suspect(): void {
    this.#failures++;
  }

  /**
   * The value under `key` in `namespace` when cached and current, else `load()`'s, stored for
   * `ttlMs`. `schema` checks what comes back from the cache; a mismatch is a miss.
   */
  async get<T>(
    namespace: string,
    key: string,
    ttlMs: number,
    schema: z.ZodType<T>,
    load: () => Promise<T>,
    options: GetOptions = {},
  ): Promise<ReadThroughResult<T>> {
    const result = await this.#get(namespace, key, ttlMs, schema, load, options.local === true);
    const counts = this.#hits.get(namespace) ?? { hits: 0, misses: 0 };
    if (result.hit) counts.hits++;
    else counts.misses++;
    this.#hits.set(namespace, counts);
    return result;
  }

  /** Hits and misses per namespace since this instance started (admin cache stats). */
  hitStats(): Record<string, { hits: number; misses: number }> {
    return Object.fromEntries([...this.#hits].map(([ns, c]) => [ns, { ...c }]));
  }

  readonly #hits = new Map<string, { hits: number; misses: number }>();

  async #get<T>(
    namespace: string,
    key: string,
    ttlMs: number,
    schema: z.ZodType<T>,
    load: () => Promise<T>,
    local: boolean,
  ): Promise<ReadThroughResult<T>> {
    await this.#retryPending();
    if (this.#pending.has(namespace) || this.#pending.has(ALL_NAMESPACES)) {
      return { value: await load(), hit: false };
    }
    if (this.#failures !== this.#settled && !(await this.#settleOnce())) {
      return { value: await load(), hit: false };
    }
    if (local) {
      const kept = this.local.get(namespace, key);
      if (kept !== undefined) return { value: kept as T, hit: true };
    }
    // Taken before the generation is read: a change heard from now on keeps this load out.
    const stamp = this.local.stamp();
    const localTtl = Math.min(ttlMs, LOCAL_TTL_MS);
    let gen: string;
    try {
      const [g, raw] = await Promise.all([
        this.cache.get(generationKey(namespace)),
        this.cache.get(key),
      ]);
      gen = g ?? await this.#startGeneration(namespace);
      if (raw !== null) {
        const env = JSON.parse(raw) as Envelope;
        const parsed = env.g === gen ? schema.safeParse(env.v) : undefined;
        if (parsed?.success) {
          if (local) this.local.set(namespace, key, parsed.data, stamp, localTtl, raw.length);
          return { value: parsed.data, hit: true };
        }
      }
    } catch (err) {
      this.#failures++;
      this.log.warn("cache read failed; using the database", { key, error: String(err) });
      return { value: await load(), hit: false };
    }
    const value = await load();
    try {
      const json = JSON.stringify({ g: gen, v: value } satisfies Envelope);
      await this.cache.set(key, json, ttlMs);
      if (local) this.local.set(namespace, key, value, stamp, localTtl, json.length);
    } catch (err) {
      this.log.warn("cache write failed", { key, error: String(err) });
    }
    return { value, hit: false };
  }

  /**
   * Makes every entry of `namespace` stale at once (on all instances sharing the cache) and drops
   * `keys` / keys under `prefix` to free memory; ALL_NAMESPACES makes every entry of every
   * namespace stale. Never throws: a failure is retried later.
   */
  async invalidate(namespace: string, drop: Drop = {}): Promise<void> {
    try {
      await this.invalidateNow(namespace, drop);
    } catch (err) {
      this.#pending.add(namespace);
      this.#failures++;
      this.log.warn("cache invalidation failed; bypassing the cache until it lands", {
        namespace,
        error: String(err),
      });
      // Other instances learn of it from the outbox; this one also retries it itself.
      await this.#owe?.(namespace, drop).catch((e) =>
        this.log.warn("owed invalidation not recorded in the outbox", {
          namespace,
          error: String(e),
        })
      );
    }
  }

  /**
   * Like `invalidate`, but throws when the generation bump fails (the outbox keeps its row and
   * retries). Dropping the stale entries is best effort: the new generation already hides them.
   */
  async invalidateNow(namespace: string, drop: Drop = {}): Promise<void> {
    // This instance stops serving its copies now; the others when the announcement below reaches
    // them (a failure to announce throws, so the invalidation is retried, announcement included).
    this.local.changed(namespace);
    // The drops go out with the bump, not after it: one cache round trip instead of two. Entries
    // they miss are hidden by the new generation anyway.
    const dropping = (async () => {
      if (drop.keys?.length) await this.cache.del(...drop.keys);
      if (drop.prefix) await this.cache.delPrefix(drop.prefix);
    })().catch((err) => {
      this.log.debug("dropping stale cache entries failed", { namespace, error: String(err) });
    });
    try {
      await this.#bumpAfterNow(namespace);
    } finally {
      // A load that read the old generation while the bump was on its way stores nothing here.
      this.local.changed(namespace);
      await dropping;
    }
    this.#pending.delete(namespace);
  }

  /** True once the outbox is settled (or there is nothing to settle); shared by concurrent reads. */
  #settleOnce(): Promise<boolean> {
    const covers = this.#failures;
    if (!this.#settle) {
      this.#settled = covers;
      return Promise.resolve(true);
    }
    const settle = this.#settle;
    this.#settling ??= (async () => {
      try {
        await settle();
        this.#settled = Math.max(this.#settled, covers);
        return true;
      } catch (err) {
        this.log.debug("owed invalidations not applied yet", { error: String(err) });
        return false;
      } finally {
        this.#settling = undefined;
      }
    })();
    return this.#settling;
  }

  /** Namespaces whose invalidation is still owed (exposed for tests and the ops screens). */
  pending(): string[] {
    return [...this.#pending];
  }

  /**
   * A namespace without a generation (never invalidated, or its key was evicted) gets a fresh
   * random one, so entries tagged before an eviction can never become current again.
   */
  async #startGeneration(namespace: string): Promise<string> {
    const fresh = crypto.randomUUID();
    if (await this.cache.setIfAbsent(generationKey(namespace), fresh, GEN_TTL_MS)) return fresh;
    return (await this.cache.get(generationKey(namespace))) ?? fresh;
  }

  /**
   * A bump of `namespace` that starts no earlier than this call, shared by every caller that asks
   * before it starts: under a burst of writes to one namespace, one bump follows the one in
   * flight instead of one per write (a write's own change has committed before it asks, so a
   * bump that starts afterwards covers it; one already under way might not).
   */
  #bumpAfterNow(namespace: string): Promise<void> {
    const slot = this.#bumps.get(namespace) ?? {};
    this.#bumps.set(namespace, slot);
    if (slot.queued) return slot.queued;
    const begin = (): Promise<void> => {
      const p = this.#bump(namespace);
      slot.running = p;
      const clear = () => {
        if (slot.running === p) slot.running = undefined;
        if (!slot.running && !slot.queued) this.#bumps.delete(namespace);
      };
      p.then(clear, clear);
      return p;
    };
    if (!slot.running) return begin();
    const queued = slot.running.then(noop, noop).then(() => {
      slot.queued = undefined;
      return begin();
    });
    slot.queued = queued;
    return queued;
  }

  /**
   * A new generation for `namespace`, announced to every instance's copies in the same go. For
   * ALL_NAMESPACES every generation is deleted: the next read of each namespace starts a fresh
   * one (#startGeneration), which no entry stored before carries.
   */
  async #bump(namespace: string): Promise<void> {
    await Promise.all([
      namespace === ALL_NAMESPACES
        ? this.cache.delPrefix(GENERATION_PREFIX)
        : this.cache.set(generationKey(namespace), crypto.randomUUID(), GEN_TTL_MS),
      this.cache.publish(GENERATIONS_CHANNEL, namespace),
    ]);
  }

  async #retryPending(): Promise<void> {
    for (const namespace of [...this.#pending]) {
      try {
        await this.#bump(namespace);
        this.local.changed(namespace);
        this.#pending.delete(namespace);
        this.log.info("owed cache invalidation landed", { namespace });
      } catch {
        return; // still down: try again on the next read
      }
    }
  }
}
