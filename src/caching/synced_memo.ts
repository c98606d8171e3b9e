/**
 * An in-process memo that is trusted only while this instance hears about every change to what
 * it holds (a subscription or LISTEN that is whole): a change message drops the entry, a cut
 * empties and disables the memo, and a load that raced a drop never stores what it read.
 *
 * @module
 */
import { LRUCache } from "lru-cache";

export interface SyncedMemoOptions {
  /** Bounds how stale an entry can be if a change message is lost despite the subscription. */
  ttlMs: number;
  max: number;
}

export class SyncedMemo<V extends object> {
  readonly #entries: LRUCache<string, V>;
  #live = false;
  // Bumped by every drop: a load that started before a drop must not store what it read.
  #epoch = 0;

  constructor(options: SyncedMemoOptions) {
    this.#entries = new LRUCache<string, V>({
      max: options.max,
      ttl: options.ttlMs,
      // lru-cache's default caches its clock for 1 ms and arms a timer to forget it: a
      // setTimeout per millisecond of traffic per memo, dearer than reading the clock.
      ttlResolution: 0,
    });
  }

  /** Taken before a load and handed back to `set`. */
  get epoch(): number {
    return this.#epoch;
  }

  get live(): boolean {
    return this.#live;
  }

  get(key: string): V | undefined {
    return this.#live ? this.#entries.get(key) : undefined;
  }

  /** Stores what a load read, unless a drop happened since it began (`epoch`). */
  set(key: string, value: V, epoch: number): void {
    if (this.#live && epoch === this.#epoch) this.#entries.set(key, value);
  }

  drop(key: string): void {
    this.#epoch++;
    this.#entries.delete(key);
  }

  dropAll(): void {
    this.#epoch++;
    this.#entries.clear();
  }

  /** Starts trusting entries (the subscription is whole); begins empty. */
  enable(): void {
    this.dropAll();
    this.#live = true;
  }

  /** Stops trusting entries (the subscription is cut): changes may be missed from now on. */
  disable(): void {
    this.#live = false;
    this.dropAll();
  }
}
