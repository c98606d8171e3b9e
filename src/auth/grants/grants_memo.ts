/**
 * Grants kept in process for a short while, so a signed-in request usually needs no cache round
 * trip for them. Only trusted while this instance is subscribed to grant changes: a change on any
 * instance drops the entry here (grants_sync.ts), and a cut subscription empties and disables it.
 *
 * @module
 */
import { LRUCache } from "lru-cache";
import type { Grants } from "./principal.ts";

/** Bounds how stale an entry can be if a change message is lost despite the subscription. */
export const GRANTS_MEMO_TTL_MS = 30_000;
const GRANTS_MEMO_MAX = 10_000;

export class GrantsMemo {
  readonly #entries = new LRUCache<string, Grants>({
    max: GRANTS_MEMO_MAX,
    ttl: GRANTS_MEMO_TTL_MS,
  });
  #live = false;
  // Bumped by every drop: a load that started before a drop must not store what it read.
  #epoch = 0;

  /** Taken before a load and handed back to `set`. */
  get epoch(): number {
    return this.#epoch;
  }

  get live(): boolean {
    return this.#live;
  }

  get(userId: string): Grants | undefined {
    return this.#live ? this.#entries.get(userId) : undefined;
  }

  /** Stores what a load read, unless a drop happened since it began (`epoch`). */
  set(userId: string, grants: Grants, epoch: number): void {
    if (this.#live && epoch === this.#epoch) this.#entries.set(userId, grants);
  }

  drop(userId: string): void {
    this.#epoch++;
    this.#entries.delete(userId);
  }

  /** Starts trusting entries (the subscription is whole); begins empty. */
  enable(): void {
    this.#epoch++;
    this.#entries.clear();
    this.#live = true;
  }

  /** Stops trusting entries (the subscription is cut): changes may be missed from now on. */
  disable(): void {
    this.#live = false;
    this.#epoch++;
    this.#entries.clear();
  }
}
