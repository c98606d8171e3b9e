/**
 * A FIFO mutex: PGlite serves one query at a time, so every query and every whole transaction
 * runs under this lock and concurrent requests never interleave inside a transaction.
 *
 * @module
 */

/** Runs tasks one after another in arrival order. */
export class SerialLock {
  #tail: Promise<unknown> = Promise.resolve();

  /** Waits for every earlier task, then runs `task`; its failure does not block later tasks. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.then(() => undefined, () => undefined);
    return result;
  }
}
