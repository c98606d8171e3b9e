/**
 * In-process wake-ups for the projector and the processing worker: a write on this instance wakes
 * them at once instead of at their next poll. Polling stays, as the fallback for work that other
 * instances (or this one's failed attempts, after their backoff) leave behind.
 * @module
 */

/** A latch: `notify` ends the current (or next) `wait` early. */
export class Wake {
  #waiters = new Set<() => void>();
  #pending = false;

  notify(): void {
    this.#pending = true;
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  /** Resolves at the next notify (or at once if one came since the last wait), or after `ms`. */
  wait(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#pending = false;
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        resolve();
      }, ms);
      this.#waiters.add(wake);
    });
  }
}

export interface Wakes {
  projector: Wake;
  worker: Wake;
}

const byStore = new WeakMap<object, Wakes>();

/** The wake-ups of everything sharing `relational` (the store the outbox and queue live in). */
export function wakesOf(relational: object): Wakes {
  let w = byStore.get(relational);
  if (!w) {
    w = { projector: new Wake(), worker: new Wake() };
    byStore.set(relational, w);
  }
  return w;
}
