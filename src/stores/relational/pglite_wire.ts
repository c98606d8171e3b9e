/**
 * The messages between the embedded relational store and the worker thread that runs PGlite
 * (pglite_thread.ts, pglite_worker.ts), and how a store error crosses between them: a structured
 * clone keeps an Error's message but not its class or its SQLSTATE fields.
 *
 * @module
 */
import { StoreError, type StoreErrorCode } from "../errors.ts";
import type { PgliteOptions } from "./pglite.ts";
import type { QueryOptions } from "./port.ts";

/** What the store asks of the worker; `id` pairs each request with its reply. */
export type WorkerRequest =
  | {
    op: "open";
    id: number;
    dataDir: string;
    options: PgliteOptions;
    /** One Int32: the highest request id the store gave up on; the worker skips those. */
    gaveUp: SharedArrayBuffer;
  }
  // Creates the cluster only (pglite.ts, createCluster), in a thread ended right after.
  | { op: "init"; id: number; dataDir: string; options: PgliteOptions }
  | { op: "query"; id: number; sql: string; params: unknown[]; options?: QueryOptions; tx?: number }
  | { op: "exec"; id: number; sql: string; tx?: number }
  | { op: "begin"; id: number; tx: number }
  | { op: "end"; id: number; tx: number; commit: boolean }
  | { op: "listen"; id: number; listener: number; channel: string }
  | { op: "unlisten"; id: number; listener: number }
  | { op: "close"; id: number }
  // Answered at once, outside the queue: a worker that does not answer is stuck in a statement.
  | { op: "ping"; id: number };

/** A worker's answers, and the notifications it forwards as they arrive. */
export type WorkerReply =
  | { op: "ok"; id: number; value?: unknown }
  | { op: "error"; id: number; error: WireError }
  | { op: "notify"; listener: number; payload: string };

/** The fields of a driver error that pg_errors.ts and the documents adapter read. */
interface WireCause {
  message: string;
  code?: string;
  detail?: string;
  column?: string;
  constraint?: string;
  table?: string;
  severity?: string;
}

export interface WireError {
  code: StoreErrorCode;
  message: string;
  field?: string;
  cause?: WireCause;
}

const CAUSE_FIELDS = ["code", "detail", "column", "constraint", "table", "severity"] as const;

function causeOf(err: unknown): WireCause | undefined {
  if (!(err instanceof Error)) return undefined;
  const out: WireCause = { message: err.message };
  const fields = err as unknown as Record<string, unknown>;
  for (const k of CAUSE_FIELDS) {
    if (typeof fields[k] === "string") out[k] = fields[k] as string;
  }
  return out;
}

/** A StoreError (the worker's store maps every driver error to one) as clonable data. */
export function toWire(err: unknown): WireError {
  if (err instanceof StoreError) {
    return { code: err.code, message: err.message, field: err.field, cause: causeOf(err.cause) };
  }
  return {
    code: "unavailable",
    message: err instanceof Error ? err.message : String(err),
    cause: causeOf(err),
  };
}

/** The StoreError again, its cause an Error carrying the driver's fields. */
export function fromWire(w: WireError): StoreError {
  let cause: Error | undefined;
  if (w.cause) {
    const { message, ...fields } = w.cause;
    cause = Object.assign(new Error(message), fields);
  }
  return new StoreError(w.code, "relational", w.message, { field: w.field, cause });
}
