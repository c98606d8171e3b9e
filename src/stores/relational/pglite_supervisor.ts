/**
 * The embedded relational store as the API uses it: PGlite on a worker thread (pglite_thread.ts),
 * watched. A statement that keeps the thread past the statement timeout (the bound server
 * Postgres's statement_timeout puts on a query) fails, with everything waiting behind it, as
 * `unavailable` (503), and new requests fail at once until the thread answers again; none of them
 * runs afterwards. The statement itself cannot be stopped: ending a Worker does not interrupt its
 * WASM, and a second PGlite on the folder beside it would not be safe. A thread that crashes is
 * replaced: the folder is reopened (Postgres recovers it from its WAL) and listeners hear the cut.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import { measureHealth } from "../health.ts";
import { checkChannel } from "./channel.ts";
import type { PgliteOptions } from "./pglite.ts";
import { type Ask, PgliteThread } from "./pglite_thread.ts";
import type { ListenEvents, QueryResult, RelationalStore, Row, Transaction } from "./port.ts";

export interface SupervisedPgliteOptions extends PgliteOptions {
  /**
   * How long one statement may keep the thread before everything waiting on it fails and new
   * requests fail at once (the statement itself runs on).
   */
  statementTimeoutMs: number;
  /**
   * Told of a statement past the timeout and of the thread answering again, of a crashed thread
   * replaced, and of a listener that threw.
   */
  warn?: (message: string, fields: Record<string, unknown>) => void;
}

interface Listener {
  channel: string;
  onNotify: (payload: string) => void;
  events?: ListenEvents;
}

/**
 * Opens PGlite at `dataDir` (a folder, or "memory://") on its own thread.
 *
 * @example
 * const db = await openSupervisedPglite("memory://", { statementTimeoutMs: 15_000 });
 * const { rows } = await db.query("select 1 as one");
 * await db.close();
 */
export async function openSupervisedPglite(
  dataDir: string,
  options: SupervisedPgliteOptions,
): Promise<RelationalStore> {
  const { statementTimeoutMs, warn = () => {} } = options;
  const threadOptions: PgliteOptions = { sharedBuffersMb: options.sharedBuffersMb };
  const listeners = new Map<number, Listener>();
  let listenerIds = 0;
  let txIds = 0;
  let closed = false;

  const events = {
    onNotify(listener: number, payload: string) {
      try {
        listeners.get(listener)?.onNotify(payload);
      } catch (err) {
        warn("a database notification listener failed", { error: String(err) });
      }
    },
    onCrash: (reason: string) => restart(`embedded database thread failed: ${reason}`),
  };

  let thread: PgliteThread | undefined = await PgliteThread.start(dataDir, threadOptions, events);
  // While the thread is being replaced, calls wait for the new one.
  let replacing: Promise<PgliteThread> | undefined;

  const current = (): Promise<PgliteThread> => {
    if (thread) return Promise.resolve(thread);
    if (closed) {
      return Promise.reject(new StoreError("unavailable", "relational", "database is closed"));
    }
    return replacing ??= reopen();
  };

  const call = async <T>(ask: Ask): Promise<T> => (await current()).call<T>(ask);

  async function reopen(): Promise<PgliteThread> {
    try {
      // A database in memory died with its thread: there is nothing to reopen.
      if (dataDir.startsWith("memory://")) {
        throw new StoreError("unavailable", "relational", "the in-memory database was lost");
      }
      const fresh = await PgliteThread.start(dataDir, threadOptions, events);
      try {
        for (const [id, l] of listeners) {
          await fresh.call({ op: "listen", listener: id, channel: l.channel });
        }
      } catch (err) {
        fresh.end("the embedded database did not listen again");
        throw err;
      }
      thread = fresh;
      warn("embedded database reopened", {});
      for (const l of listeners.values()) l.events?.onResumed?.();
      return fresh;
    } finally {
      replacing = undefined;
    }
  }

  /** After a crash: the old thread is gone; a fresh one reopens the folder. */
  function restart(reason: string): void {
    if (thread === undefined) return;
    warn("embedded database thread ended", { reason });
    thread.end(reason);
    thread = undefined;
    for (const l of listeners.values()) l.events?.onInterrupted?.();
    // Reopened now rather than on the next call, so listeners resume without one.
    if (!closed) current().catch(() => {});
  }

  // Only a thread that has opened is watched: opening (WASM compile, crash recovery) is not a
  // statement, and a slow start must not be cut short.
  let stuckSince: number | undefined;
  const watch = setInterval(() => {
    if (thread === undefined) return;
    const now = performance.now();
    if (!thread.stuck && stuckSince !== undefined) {
      warn("embedded database answering again", { stuck_ms: Math.round(now - stuckSince) });
      stuckSince = undefined;
    }
    if (thread.busyFor(now) <= statementTimeoutMs || thread.stuck) return;
    const waiting = thread.abandon(`a statement ran past ${statementTimeoutMs} ms`);
    stuckSince = now;
    // SQL text only (parameters are not in it): which statement holds the thread, most likely
    // the first, and how much was waiting behind it.
    warn("embedded database statement past the timeout", {
      first_statement: waiting[0]?.slice(0, 300),
      statements_failed: waiting.length,
    });
  }, Math.min(1000, Math.max(50, statementTimeoutMs / 4)));
  Deno.unrefTimer(watch);

  const txHandle = (tx: number): Transaction => ({
    query: <R extends Row = Row>(sql: string, params: readonly unknown[] = [], options = {}) =>
      call<QueryResult<R>>({ op: "query", sql, params: params as unknown[], options, tx }),
    exec: (sql) => call<void>({ op: "exec", sql, tx }),
  });

  return {
    adapter: "pglite",
    query: <R extends Row = Row>(sql: string, params: readonly unknown[] = [], options = {}) =>
      call<QueryResult<R>>({ op: "query", sql, params: params as unknown[], options }),
    exec: (sql) => call<void>({ op: "exec", sql }),
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      const tx = ++txIds;
      await call({ op: "begin", tx });
      let value: T;
      try {
        value = await fn(txHandle(tx));
      } catch (err) {
        await call({ op: "end", tx, commit: false }).catch(() => {});
        throw err;
      }
      await call({ op: "end", tx, commit: true });
      return value;
    },
    // The worker forwards each notification before the reply of the statement that committed
    // it, so a listener has heard it by the time that statement resolves (as in process).
    async listen(channel, onNotify, events) {
      checkChannel(channel);
      const id = ++listenerIds;
      listeners.set(id, { channel, onNotify, events });
      try {
        await call({ op: "listen", listener: id, channel });
      } catch (err) {
        listeners.delete(id);
        throw err;
      }
      return async () => {
        if (!listeners.delete(id) || closed) return;
        await call({ op: "unlisten", listener: id }).catch(() => {});
      };
    },
    health: () => measureHealth("pglite", () => call({ op: "query", sql: "select 1", params: [] })),
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(watch);
      const t = thread ?? await replacing?.catch(() => undefined);
      thread = undefined;
      if (t === undefined) return;
      // A stuck thread is not waited for: ending the process stops what ending the Worker cannot.
      if (t.stuck) return t.end("database closed");
      const timer = setTimeout(() => t.end("database closed"), statementTimeoutMs);
      try {
        await t.call({ op: "close" });
      } catch {
        // Ended by the timer: nothing more to close.
      } finally {
        clearTimeout(timer);
        t.end("database closed");
      }
    },
  };
}
