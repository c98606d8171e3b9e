/**
 * The relational port: SQL in, rows out. Adapters: npm:pg (server) and PGlite (embedded).
 *
 * @module
 */
import type { StoreHealth } from "../health.ts";

export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row = Row> {
  rows: R[];
  rowCount: number;
}

export interface QueryOptions {
  /** Name of a prepared statement; the pg adapter prepares it once per connection. */
  name?: string;
  /**
   * timestamptz values as the ISO 8601 text JSON.stringify writes for a Date (iso_timestamps.ts)
   * rather than as Dates: for rows that go straight into a JSON answer.
   */
  isoTimestamps?: boolean;
}

/** Anything that runs parameterised SQL: the store itself or an open transaction. */
export interface Queryable {
  query<R extends Row = Row>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<QueryResult<R>>;
}

/** An open transaction: parameterised queries plus multi-statement scripts (migrations). */
export interface Transaction extends Queryable {
  exec(sql: string): Promise<void>;
}

/** What a listener is told about its connection; notifications sent while cut are lost. */
export interface ListenEvents {
  /** The listening connection broke: notifications may be missed until onResumed. */
  onInterrupted?: () => void;
  /** Listening again after a cut (anything sent meanwhile was not received). */
  onResumed?: () => void;
}

export interface RelationalStore extends Queryable {
  /** "pg" or "pglite". */
  readonly adapter: string;
  /**
   * Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when
   * it throws. Nested calls are not supported: pass the `tx` down instead.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T>;
  /** Runs a multi-statement script with no parameters (migrations, seed files). */
  exec(sql: string): Promise<void>;
  /**
   * Receives NOTIFY on `channel` (a lower-case SQL identifier); resolves once listening and
   * returns the function that stops. Notifications arrive after their transaction commits.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    events?: ListenEvents,
  ): Promise<() => Promise<void>>;
  health(): Promise<StoreHealth>;
  /** Connections of the pool (server adapter only): open, idle, and callers waiting for one. */
  poolStats?(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}
