/**
 * The read-through cache's copy in process: what a cache hit returned is kept here and served
 * without a cache round trip, but only while this instance hears every generation change
 * (generation_sync.ts). A change to a namespace makes its entries unservable at once, a load that
 * began before the change can never store what it read, and a cut subscription empties the tier.
 *
 * @module
 */
import { LRUCache } from "lru-cache";

/** Where every instance announces a namespace whose generation moved (message: the namespace). */
export const GENERATIONS_CHANNEL = "cache_generations";

/** The namespace that stands for every namespace at once (a restore rewrites all the data). */
export const ALL_NAMESPACES = "*";

interface Entry {
  namespace: string;
  /** The stamp taken before the load that filled it. */
  stamp: number;
  value: unknown;
}

export interface LocalTierOptions {
  /** Most entries kept. */
  max: number;
  /** Most bytes kept, counted as the length of each entry's JSON. */
  maxBytes: number;
  /** Namespaces whose last change is remembered one by one; older ones share one floor. */
  maxNamespaces: number;
}

const DEFAULTS: LocalTierOptions = { max: 5_000, maxBytes: 32 << 20, maxNamespaces: 20_000 };

export class LocalTier {
  readonly #entries: LRUCache<string, Entry>;
  /** The stamp of each namespace's last change; an entry counts only if filled after it. */
  readonly #changedAt: LRUCache<string, number>;
  /** The newest change stamp forgotten by #changedAt: a namespace not found there changed then. */
  #floor = 0;
  /** The stamp of the last enable or disable: a load begun before it stores nothing. */
  #resetAt = 0;
  #clock = 0;
  #live = false;

  constructor(options: Partial<LocalTierOptions> = {}) {
    const o = { ...DEFAULTS, ...options };
    this.#entries = new LRUCache<string, Entry>({ max: o.max, maxSize: o.maxBytes });
    this.#changedAt = new LRUCache<string, number>({
      max: o.maxNamespaces,
      dispose: (stamp, _ns, reason) => {
        if (reason !== "set" && stamp > this.#floor) this.#floor = stamp;
      },
    });
  }

  get live(): boolean {
    return this.#live;
  }

  /** Taken before a load; handed back to `set`. */
  stamp(): number {
    return ++this.#clock;
  }

  get(namespace: string, key: string): unknown {
    if (!this.#live) return undefined;
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.namespace !== namespace) return undefined;
    const changed = this.#changedAt.get(namespace) ?? this.#floor;
    return entry.stamp > changed ? entry.value : undefined;
  }

  /**
   * Keeps `value` for `ttlMs` unless `namespace` changed since `stamp` was taken. `bytes` is the
   * size of its JSON, for the byte bound.
   */
  set(
    namespace: string,
    key: string,
    value: unknown,
    stamp: number,
    ttlMs: number,
    bytes: number,
  ): void {
    if (!this.#live) return;
    const changed = this.#changedAt.get(namespace) ?? this.#floor;
    if (stamp <= changed || stamp <= this.#resetAt) return;
    this.#entries.set(key, { namespace, stamp, value }, { ttl: ttlMs, size: Math.max(1, bytes) });
  }

  /** The generation of `namespace` (or of all) moved: nothing filled before now is served again. */
  changed(namespace: string): void {
    if (namespace !== ALL_NAMESPACES) return void this.#changedAt.set(namespace, ++this.#clock);
    this.#entries.clear();
    this.#resetAt = ++this.#clock;
  }

  /** Starts trusting (the subscription is whole); begins empty. */
  enable(): void {
    this.#entries.clear();
    this.#resetAt = ++this.#clock;
    this.#live = true;
  }

  /** Stops trusting (changes may be missed from now on). */
  disable(): void {
    this.#live = false;
    this.#entries.clear();
    this.#resetAt = ++this.#clock;
  }

  get size(): number {
    return this.#entries.size;
  }
}
