/**
 * Timeouts and retries shared by the adapters: no store call may hang a request, and connecting
 * to a server that is still starting is retried with backoff before giving up.
 *
 * @module
 */
import { StoreError, type StoreRole } from "./errors.ts";

/**
 * The deadlines of calls in flight, watched by one timer. A timer per call cost ~8 us of node
 * timer bookkeeping on every cache command (CPU profile, docs/bench.md); here a call costs a map
 * entry, and the single timer is re-armed only when it fires, when an earlier deadline arrives,
 * or cleared when nothing is in flight (so no timer outlives the calls it watches).
 */
class Deadlines {
  readonly #pending = new Map<number, { at: number; expire: () => void }>();
  #nextId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAt = Infinity;

  add(ms: number, expire: () => void): number {
    const id = ++this.#nextId;
    const at = performance.now() + ms;
    this.#pending.set(id, { at, expire });
    if (at < this.#armedAt) this.#arm(at);
    return id;
  }

  remove(id: number): void {
    this.#pending.delete(id);
    if (this.#pending.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      this.#armedAt = Infinity;
    }
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#armedAt = at;
    this.#timer = setTimeout(() => this.#sweep(), Math.max(0, at - performance.now()));
  }

  #sweep(): void {
    this.#timer = undefined;
    this.#armedAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [id, entry] of this.#pending) {
      if (entry.at <= now) {
        this.#pending.delete(id);
        entry.expire();
      } else if (entry.at < next) next = entry.at;
    }
    if (next !== Infinity) this.#arm(next);
  }
}

const deadlines = new Deadlines();

/** Rejects with a `timeout` StoreError when `work` has not settled within `ms`. */
export function withTimeout<T>(
  role: StoreRole,
  ms: number,
  work: Promise<T>,
  what = "operation",
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const id = deadlines.add(
      ms,
      () => reject(new StoreError("timeout", role, `${role} ${what} timed out after ${ms} ms`)),
    );
    work.then(
      (value) => {
        deadlines.remove(id);
        resolve(value);
      },
      (err) => {
        deadlines.remove(id);
        reject(err);
      },
    );
  });
}

export interface RetryOptions {
  attempts: number;
  /** First delay; each further one doubles, with jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Called before each wait, e.g. to log the failure. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Calls `fn` until it succeeds or the attempts run out, sleeping with exponential backoff. */
export async function retry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {
  let lastErr: unknown;
  for (let attempt = 1; attempt <= opts.attempts; attempt++) {
    try {
      return await fn();
    } catch (err) {
      lastErr = err;
      if (attempt === opts.attempts) break;
      const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(exp / 2 + Math.random() * (exp / 2));
      opts.onRetry?.(err, attempt, delay);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  throw lastErr;
}
