/**
 * One worker thread running PGlite (pglite_worker.ts): requests out, replies paired by id, and a
 * ping that tells whether the thread is stuck inside a statement. A stuck thread cannot be
 * stopped (ending a Worker does not interrupt its WASM, which would go on beside a reopened
 * database), so the store gives up on what waits for it instead (`abandon`).
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { PgliteOptions } from "./pglite.ts";
import { isCluster } from "./pglite_cluster.ts";
import { fromWire, type WorkerReply, type WorkerRequest } from "./pglite_wire.ts";

/** Omit applied to each member of a union (a conditional type distributes over its parameter). */
type WithoutId<R> = R extends unknown ? Omit<R, "id"> : never;

/** A request without its id, which the thread assigns. */
export type Ask = WithoutId<WorkerRequest>;

interface Pending {
  resolve(value: unknown): void;
  reject(err: unknown): void;
  /** The statement asked for, if any, for the report of a thread given up on. */
  sql?: string;
  ping?: boolean;
  /** For a BEGIN: the transaction it opens. */
  tx?: number;
}

const WORKER_URL = new URL("./pglite_worker.ts", import.meta.url);

export interface ThreadEvents {
  /** A notification for listener `listener` (the worker's LISTEN forwards it). */
  onNotify(listener: number, payload: string): void;
  /** The worker failed outside any request (an uncaught error, a message it could not read). */
  onCrash(reason: string): void;
}

/** A worker thread with PGlite open on one data folder. */
export class PgliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #ended: StoreError | undefined;
  /** Set while the thread runs a statement the store gave up on; cleared when it answers. */
  #stuck: StoreError | undefined;
  /** Shared with the worker: the highest request id given up on, which it must not run. */
  readonly #gaveUp = new Int32Array(new SharedArrayBuffer(4));
  /** When the unanswered ping was sent (performance.now()), if one is out. */
  #pingSentAt: number | undefined;
  /** BEGINs given up on (request id -> transaction): one that opened anyway is rolled back. */
  readonly #abandonedBegins = new Map<number, number>();

  private constructor(events: ThreadEvents) {
    this.#worker = new Worker(WORKER_URL, { type: "module" });
    this.#worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const m = e.data;
      if (m.op === "notify") return events.onNotify(m.listener, m.payload);
      const p = this.#pending.get(m.id);
      if (p === undefined) return this.#late(m);
      this.#pending.delete(m.id);
      if (m.op === "ok") p.resolve(m.value);
      else p.reject(fromWire(m.error));
    };
    // Unhandled, a worker's error would end the whole process.
    this.#worker.onerror = (e) => {
      e.preventDefault();
      events.onCrash(e.message);
    };
    this.#worker.onmessageerror = () => events.onCrash("a reply could not be read");
  }

  /**
   * Starts a thread and opens PGlite at `dataDir` in it; ends the thread if that fails. A folder
   * without a cluster gets one first from a thread of its own, ended once initdb is done: ending
   * it is what hands initdb's ~340 MB of WASM memory back (pglite.ts, createCluster).
   */
  static async start(
    dataDir: string,
    options: PgliteOptions,
    events: ThreadEvents,
  ): Promise<PgliteThread> {
    if (!dataDir.startsWith("memory://") && !(await isCluster(dataDir))) {
      const init: PgliteThread = new PgliteThread({
        onNotify() {},
        // Fails the init request (ending a thread rejects what is out); nothing to reopen yet.
        onCrash: (reason) => init.end(`creating the embedded database failed: ${reason}`),
      });
      try {
        await init.call({ op: "init", dataDir, options });
      } finally {
        init.end("the cluster is created");
      }
    }
    const thread = new PgliteThread(events);
    try {
      await thread.call({ op: "open", dataDir, options, gaveUp: thread.#gaveUp.buffer });
    } catch (err) {
      thread.end("the embedded database did not open");
      throw err;
    }
    return thread;
  }

  /** Whether the thread is inside a statement the store gave up on. */
  get stuck(): boolean {
    return this.#stuck !== undefined;
  }

  /**
   * Sends one request; resolves with the worker's answer or rejects with its StoreError. While
   * the thread is stuck, requests fail at once, except a transaction's end (its transaction holds
   * the worker's queue until then) and close.
   */
  call<T = unknown>(ask: Ask): Promise<T> {
    if (this.#ended) return Promise.reject(this.#ended);
    if (this.#stuck && ask.op !== "end" && ask.op !== "close") return Promise.reject(this.#stuck);
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      try {
        this.#worker.postMessage({ ...ask, id } as WorkerRequest);
      } catch (err) {
        // A parameter that cannot be cloned (a function, a class with private state).
        reject(new StoreError("invalid", "relational", `cannot send to the database: ${err}`));
        return;
      }
      const sql = "sql" in ask ? ask.sql : undefined;
      const ping = ask.op === "ping";
      const tx = ask.op === "begin" ? ask.tx : undefined;
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, sql, ping, tx });
    });
  }

  /**
   * Called on a timer: pings the worker while requests are out, and returns how long the current
   * ping has gone unanswered (0 when none is out). A worker answers pings between statements, so
   * that time is how long the statement it is running has kept the thread.
   */
  busyFor(now: number): number {
    if (this.#ended) return 0;
    if (this.#pingSentAt !== undefined) return now - this.#pingSentAt;
    if (this.#pending.size === 0) return 0;
    this.#pingSentAt = now;
    this.call({ op: "ping" }).then(
      () => {
        this.#pingSentAt = undefined;
        this.#stuck = undefined;
      },
      () => {},
    );
    return 0;
  }

  /**
   * Fails every request still out (the ping aside) and has the worker skip them if they have not
   * run yet, so none takes effect after its caller was told it failed; until the thread answers
   * again, new requests fail at once. Returns the statements that were out, oldest first (the
   * first is most likely the one running), for the log.
   */
  abandon(reason: string): string[] {
    if (this.#ended || this.#stuck) return [];
    this.#stuck = new StoreError("unavailable", "relational", reason);
    Atomics.store(this.#gaveUp, 0, this.#next);
    const statements: string[] = [];
    for (const [id, p] of this.#pending) {
      if (p.ping) continue;
      if (p.sql !== undefined) statements.push(p.sql);
      if (p.tx !== undefined) this.#abandonedBegins.set(id, p.tx);
      p.reject(this.#stuck);
      this.#pending.delete(id);
    }
    return statements;
  }

  /**
   * A reply to a request given up on. A BEGIN that the worker admitted just before it heard of
   * the give-up opened a transaction nobody will end, holding the worker's queue: roll it back.
   */
  #late(m: Exclude<WorkerReply, { op: "notify" }>): void {
    const tx = this.#abandonedBegins.get(m.id);
    if (tx === undefined) return;
    this.#abandonedBegins.delete(m.id);
    if (m.op === "ok") this.call({ op: "end", tx, commit: false }).catch(() => {});
  }

  /** Ends the thread (after a crash, or at close) and fails every request still out. */
  end(reason: string): void {
    if (this.#ended) return;
    this.#ended = new StoreError("unavailable", "relational", reason);
    this.#worker.terminate();
    for (const p of this.#pending.values()) p.reject(this.#ended);
    this.#pending.clear();
  }
}
