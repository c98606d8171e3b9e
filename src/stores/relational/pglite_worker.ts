/**
 * Worker entry that runs the embedded PGlite store (pglite.ts) for pglite_thread.ts: PGlite runs
 * each statement synchronously in WASM, so on its own thread it leaves the API's thread free to
 * serve HTTP meanwhile, and a statement that runs away can be stopped by ending the thread.
 *
 * @module
 */
import { openPglite } from "./pglite.ts";
import type { RelationalStore, Transaction } from "./port.ts";
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
  // After a thread restart the store's transaction ids name nothing here.
  if (open === undefined) throw new Error("transaction is no longer open");
  return open.tx;
}

/** Begins a transaction; answers `id` once it is open, or with the error that kept it shut. */
function begin(id: number, txId: number): void {
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
  done.catch(() => {});
}

async function handle(m: WorkerRequest): Promise<void> {
  switch (m.op) {
    case "open":
      store = await openPglite(m.dataDir, m.options);
      return reply(m.id);
    case "query": {
      const r = await target(m.tx).query(m.sql, m.params, m.options);
      return reply(m.id, r);
    }
    case "exec":
      await target(m.tx).exec(m.sql);
      return reply(m.id);
    case "begin":
      return begin(m.id, m.tx);
    case "end": {
      const open = txs.get(m.tx);
      if (open === undefined) throw new Error("transaction is no longer open");
      open.end(m.commit);
      await open.done;
      return reply(m.id);
    }
    case "listen": {
      const off = await opened().listen(
        m.channel,
        (payload) => scope.postMessage({ op: "notify", listener: m.listener, payload }),
      );
      listeners.set(m.listener, off);
      return reply(m.id);
    }
    case "unlisten": {
      const off = listeners.get(m.listener);
      listeners.delete(m.listener);
      await off?.();
      return reply(m.id);
    }
    case "close":
      await store?.close();
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
