/**
 * Worker entry that runs the embedded PGlite store (pglite.ts) for pglite_thread.ts: PGlite runs
 * each statement synchronously in WASM, so on its own thread it leaves the API's thread free to
 * serve HTTP meanwhile, and a statement that runs past the timeout holds only this thread.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import { createCluster, openPglite } from "./pglite.ts";
import type { RelationalStore, Transaction } from "./port.ts";
import { SerialLock } from "./serial_lock.ts";
import { toWire, type WorkerReply, type WorkerRequest } from "./pglite_wire.ts";

interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
}

const scope = globalThis as unknown as WorkerScope;

/** An open transaction, held open until the store says how it ends. */
interface OpenTx {
  tx: Transaction;
  end(commit: boolean): void;
  /** Settles when the transaction has committed or rolled back. */
  done: Promise<void>;
}

/** Thrown inside the transaction to roll it back when the caller asked for a rollback. */
const ROLLBACK = Symbol("rollback");

let store: RelationalStore | undefined;
const txs = new Map<number, OpenTx>();
/**
 * Everything outside a transaction runs here one at a time, a transaction from BEGIN to its end,
 * so a request is checked against `gaveUp` right before it runs: requests that waited behind a
 * statement the store gave up on were answered 503 there, and must not run afterwards.
 */
const queue = new SerialLock();
let gaveUp: Int32Array<ArrayBufferLike> = new Int32Array(1);

/** Throws for a request the store has already failed (see pglite_thread.ts, `abandon`). */
function admit(id: number): void {
  if (id <= Atomics.load(gaveUp, 0)) {
    throw new StoreError("unavailable", "relational", "request given up before it ran");
  }
}
const listeners = new Map<number, () => Promise<void>>();

const reply = (id: number, value?: unknown) => scope.postMessage({ op: "ok", id, value });
const fail = (id: number, err: unknown) =>
  scope.postMessage({ op: "error", id, error: toWire(err) });

function opened(): RelationalStore {
  if (store === undefined) throw new Error("embedded database is not open");
  return store;
}

function target(tx: number | undefined): Transaction | RelationalStore {
  if (tx === undefined) return opened();
  const open = txs.get(tx);
  // A transaction whose BEGIN was given up on, or one opened in a thread that crashed, is not here.
  if (open === undefined) throw new Error("transaction is no longer open");
  return open.tx;
}

/**
 * Begins a transaction; answers `id` once it is open, or with the error that kept it shut.
 * Resolves when the transaction has ended, however it ended.
 */
function begin(id: number, txId: number): Promise<void> {
  let started = false;
  let end!: (commit: boolean) => void;
  const ended = new Promise<boolean>((resolve) => end = resolve);
  const done = opened().transaction(async (tx) => {
    started = true;
    txs.set(txId, { tx, end, done });
    reply(id);
    if (!(await ended)) throw ROLLBACK;
  }).then(() => undefined, (err) => {
    if (err === ROLLBACK) return;
    if (!started) fail(id, err);
    throw err;
  }).finally(() => txs.delete(txId));
  // A failed BEGIN was answered above; a failed COMMIT is answered by `end`.
  return done.catch(() => {});
}

async function handle(m: WorkerRequest): Promise<void> {
  switch (m.op) {
    case "init":
      await createCluster(m.dataDir, m.options);
      return reply(m.id);
    case "open":
      gaveUp = new Int32Array(m.gaveUp);
      store = await openPglite(m.dataDir, m.options);
      return reply(m.id);
    case "query":
    case "exec": {
      const run = async () => {
        admit(m.id);
        const on = target(m.tx);
        return m.op === "query" ? await on.query(m.sql, m.params, m.options) : await on.exec(m.sql);
      };
      // A transaction's statements run in the transaction, which holds the queue.
      return reply(m.id, await (m.tx === undefined ? queue.run(run) : run()));
    }
    case "begin":
      // Not awaited: the queue stays held until the transaction ends; `begin` answers `m.id`.
      queue.run(() => {
        admit(m.id);
        return begin(m.id, m.tx);
      }).catch((err) => fail(m.id, err));
      return;
    case "end": {
      const open = txs.get(m.tx);
      if (open === undefined) throw new Error("transaction is no longer open");
      open.end(m.commit);
      await open.done;
      return reply(m.id);
    }
    case "listen": {
      const off = await queue.run(() =>
        opened().listen(
          m.channel,
          (payload) => scope.postMessage({ op: "notify", listener: m.listener, payload }),
        )
      );
      listeners.set(m.listener, off);
      return reply(m.id);
    }
    case "unlisten": {
      const off = listeners.get(m.listener);
      listeners.delete(m.listener);
      await queue.run(async () => await off?.());
      return reply(m.id);
    }
    case "close":
      await queue.run(async () => await store?.close());
      store = undefined;
      return reply(m.id);
    case "ping":
      return reply(m.id);
  }
}

scope.onmessage = (e) => {
  const m = e.data;
  handle(m).catch((err) => fail(m.id, err));
};
