/**
 * Embedded relational adapter: PGlite (Postgres in WASM) in a folder, or in memory for tests,
 * with the extensions the schema uses. All access is serialised (see serial_lock.ts).
 *
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { uuid_ossp } from "@electric-sql/pglite/contrib/uuid_ossp";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { pgcrypto } from "@electric-sql/pglite/contrib/pgcrypto";
import { btree_gin } from "@electric-sql/pglite/contrib/btree_gin";
import { measureHealth, type StoreHealth } from "../health.ts";
import { mapPgError, rethrowable } from "./pg_errors.ts";
import { preparedRunner } from "./pglite_prepared.ts";
import { checkChannel } from "./channel.ts";
import { SerialLock } from "./serial_lock.ts";
import { isCluster } from "./pglite_cluster.ts";
import { typeParsers } from "./type_parsers.ts";
import { asJsonValue, isoTimestampParser, TIMESTAMPTZ, utcIsoText } from "./iso_timestamps.ts";
import { PGLITE_SHARED_BUFFERS_DEFAULT_MB, SESSION_SET_SQL } from "./session.ts";
import type { QueryOptions, QueryResult, RelationalStore, Row, Transaction } from "./port.ts";

type Parsers = Record<number, (text: string) => unknown>;

interface PgliteResult<R> {
  rows: R[];
  affectedRows?: number;
  fields?: { name: string; dataTypeID: number }[];
}

interface PgliteQueryable {
  query<R>(sql: string, params?: unknown[]): Promise<PgliteResult<R>>;
  exec(sql: string): Promise<unknown>;
}

/**
 * timestamptz as a Date. PGlite's own parser is `new Date(text)`, which reads years below 100 as
 * 19xx; Postgres's UTC form is read through its ISO text, which a Date reads exactly.
 */
function pgliteTimestamptz(text: string): unknown {
  const iso = utcIsoText(text);
  if (iso !== null) return new Date(iso);
  return text === "infinity" ? Infinity : text === "-infinity" ? -Infinity : new Date(text);
}

/** PGlite's parsers: both adapters' shared ones, and timestamptz as above. */
const PARSERS: Parsers = { ...typeParsers, [TIMESTAMPTZ]: pgliteTimestamptz };

/** Over PGlite's parsers for QueryOptions.isoTimestamps, on the prepared path. */
const ISO_PARSERS: Parsers = { [TIMESTAMPTZ]: isoTimestampParser(pgliteTimestamptz) };

/**
 * QueryOptions.isoTimestamps off the prepared path: the Dates of timestamptz columns as JSON
 * writes them. (Per-query parsers would do it as the rows are read, but PGlite copies its whole
 * parser table, 318 types, for every query given any: ~80 us.)
 */
function timestampsAsJson<R>(r: PgliteResult<R>): void {
  const names = r.fields?.filter((f) => f.dataTypeID === TIMESTAMPTZ).map((f) => f.name) ?? [];
  if (names.length === 0) return;
  for (const row of r.rows as Record<string, unknown>[]) {
    for (const name of names) row[name] = asJsonValue(row[name]);
  }
}

type Named = <R>(sql: string, params: unknown[], parsers?: Parsers) => Promise<PgliteResult<R>>;

function wrap(db: PgliteQueryable, named?: Named): Transaction {
  return {
    async exec(sql: string) {
      try {
        await db.exec(sql);
      } catch (err) {
        throw mapPgError(err);
      }
    },
    async query<R extends Row = Row>(
      sql: string,
      params: readonly unknown[] = [],
      options?: QueryOptions,
    ) {
      try {
        const iso = options?.isoTimestamps === true;
        let r: PgliteResult<R>;
        if (options?.name && named) {
          r = await named<R>(sql, [...params], iso ? ISO_PARSERS : undefined);
        } else {
          r = await db.query<R>(sql, [...params]);
          if (iso) timestampsAsJson(r);
        }
        // PGlite reports affectedRows 0 for a SELECT; pg reports the rows returned.
        const rowCount = Math.max(r.rows.length, r.affectedRows ?? 0);
        return { rows: r.rows, rowCount } as QueryResult<R>;
      } catch (err) {
        throw mapPgError(err);
      }
    },
  };
}

export interface PgliteOptions {
  /** Postgres's buffer cache inside the WASM memory, which never shrinks once touched. */
  sharedBuffersMb?: number;
}

const DEFAULT_START_PARAMS: readonly string[] =
  (PGlite as unknown as { defaultStartParams: string[] }).defaultStartParams;

function createPglite(dataDir: string, options: PgliteOptions): Promise<PGlite> {
  const sharedBuffersMb = options.sharedBuffersMb ?? PGLITE_SHARED_BUFFERS_DEFAULT_MB;
  return PGlite.create(dataDir, {
    extensions: { uuid_ossp, pg_trgm, pgcrypto, btree_gin },
    parsers: PARSERS,
    // PGlite's own start parameters plus ours (passing startParams replaces them).
    startParams: [...DEFAULT_START_PARAMS, "-c", `shared_buffers=${sharedBuffersMb}MB`],
  });
}

/**
 * Runs initdb in `dataDir` unless it holds a cluster already (or is "memory://"). initdb grows the
 * WASM memory by ~340 MB, and WASM memory never shrinks: the instance that created the cluster is
 * closed, and a fresh one serves it. The closed instance's memory is returned only when its
 * thread collects it, which an idle thread may never do: pglite_thread.ts runs this in a thread
 * of its own that it then ends.
 */
export async function createCluster(dataDir: string, options: PgliteOptions = {}): Promise<void> {
  if (dataDir.startsWith("memory://") || await isCluster(dataDir)) return;
  await Deno.mkdir(dataDir, { recursive: true });
  await (await createPglite(dataDir, options)).close();
}

/**
 * Opens PGlite at `dataDir` (a folder path, or "memory://" for a throwaway database).
 *
 * @example
 * const db = await openPglite("memory://");
 * const { rows } = await db.query("select 1 as one");
 */
export async function openPglite(
  dataDir: string,
  options: PgliteOptions = {},
): Promise<RelationalStore> {
  await createCluster(dataDir, options);
  const db = await createPglite(dataDir, options);
  await db.exec(SESSION_SET_SQL);
  const lock = new SerialLock();
  // Named queries outside transactions run as prepared statements (pglite_prepared.ts).
  const prepared = preparedRunner(db);
  const direct = wrap(db, (sql, params, parsers) => prepared.query(sql, params, parsers));
  let closed = false;

  return {
    adapter: "pglite",
    query: (sql, params, options) => lock.run(() => direct.query(sql, params, options)),
    transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      return lock.run(async () => {
        try {
          return await db.transaction((tx) => fn(wrap(tx)));
        } catch (err) {
          throw rethrowable(err);
        }
      });
    },
    exec: (sql) => lock.run(() => direct.exec(sql)),
    // One session, in this process: the listener never loses its connection, and PGlite calls it
    // (as a microtask) while it reads the committing statement's reply, so before that resolves.
    async listen(channel, onNotify) {
      checkChannel(channel);
      const off = await lock.run(() => db.listen(channel, onNotify));
      return async () => {
        if (!closed) await lock.run(() => off());
      };
    },
    health: (): Promise<StoreHealth> =>
      measureHealth("pglite", () => lock.run(() => db.query("select 1"))),
    async close() {
      if (closed) return;
      closed = true;
      await lock.run(() => db.close());
    },
  };
}
