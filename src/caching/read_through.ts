// Read-through caching that stays correct when the cache misbehaves. Entries belong to a
// namespace whose generation (a random token under `gen:<ns>`) is read before the database, and
// an entry counts only while its generation is current, so a fill that raced an invalidation can
// never be served. An invalidation that fails (cache down) is kept here and retried, and until
// it lands this instance bypasses that namespace: an outage makes reads slower, never wrong.
import type { z } from "zod";
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";

/** Generations outlive every entry TTL. */
const GEN_TTL_MS = 7 * 24 * 3_600_000;

// Kept outside the namespace so dropping a namespace prefix never drops its generation.
export const generationKey = (namespace: string) => `gen:${namespace}`;

interface Envelope {
  g: string;
  v: unknown;
}

export interface ReadThroughResult<T> {
  value: T;
  hit: boolean;
}

export class ReadThroughCache {
  readonly #pending = new Set<string>();
  constructor(private readonly cache: CacheStore, private readonly log: Logger) {}

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
  ): Promise<ReadThroughResult<T>> {
    await this.#retryPending();
    if (this.#pending.has(namespace)) return { value: await load(), hit: false };
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
        if (parsed?.success) return { value: parsed.data, hit: true };
      }
    } catch (err) {
      this.log.warn("cache read failed; using the database", { key, error: String(err) });
      return { value: await load(), hit: false };
    }
    const value = await load();
    try {
      await this.cache.set(key, JSON.stringify({ g: gen, v: value } satisfies Envelope), ttlMs);
    } catch (err) {
      this.log.warn("cache write failed", { key, error: String(err) });
    }
    return { value, hit: false };
  }

  /**
   * Makes every entry of `namespace` stale at once (on all instances sharing the cache) and drops
   * `keys` / keys under `prefix` to free memory. Never throws: a failure is retried later.
   */
  async invalidate(
    namespace: string,
    drop: { keys?: readonly string[]; prefix?: string } = {},
  ): Promise<void> {
    try {
      await this.cache.set(generationKey(namespace), crypto.randomUUID(), GEN_TTL_MS);
      this.#pending.delete(namespace);
    } catch (err) {
      this.#pending.add(namespace);
      this.log.warn("cache invalidation failed; bypassing the cache until it lands", {
        namespace,
        error: String(err),
      });
      return;
    }
    try {
      if (drop.keys?.length) await this.cache.del(...drop.keys);
      if (drop.prefix) await this.cache.delPrefix(drop.prefix);
    } catch (err) {
      this.log.debug("dropping stale cache entries failed", { namespace, error: String(err) });
    }
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

  async #retryPending(): Promise<void> {
    for (const namespace of [...this.#pending]) {
      try {
        await this.cache.set(generationKey(namespace), crypto.randomUUID(), GEN_TTL_MS);
        this.#pending.delete(namespace);
        this.log.info("owed cache invalidation landed", { namespace });
      } catch {
        return; // still down: try again on the next read
      }
    }
  }
}
