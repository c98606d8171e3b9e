/**
 * The backups this process is running. A stopping instance interrupts them rather than waiting:
 * a backup of a large deployment takes minutes, longer than any orchestrator's grace period, and
 * a run killed mid-part stays "running" until its heartbeat goes stale.
 *
 * @module
 */

export class BackupsInFlight {
  #stop = new AbortController();
  #runs = new Set<Promise<unknown>>();

  /** Aborted once the instance is stopping; each run checks it between items. */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }

  /** Keeps `run` until it settles, so `stop` can wait for its failure to be recorded. */
  track(run: Promise<unknown>): void {
    this.#runs.add(run);
    const forget = () => this.#runs.delete(run);
    run.then(forget, forget);
  }

  /** Interrupts every run and resolves once each has recorded how it ended. */
  async stop(): Promise<void> {
    this.#stop.abort(new Error("interrupted: the instance running it is shutting down"));
    await Promise.allSettled([...this.#runs]);
  }
}
