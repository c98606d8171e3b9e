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
import { typeParsers } from "./type_parsers.ts";
import { isoTimestampParser, TIMESTAMPTZ } from "./iso_timestamps.ts";
import { PGLITE_SHARED_BUFFERS_DEFAULT_MB, SESSION_SET_SQL } from "./session.ts";
import type { QueryOptions, QueryResult, RelationalStore, Row, Transaction } from "./port.ts";

type Parsers = Record<number, (text: string) => unknown>;

interface PgliteQueryable {
  query<R>(
    sql: string,
    params?: unknown[],
    options?: { parsers?: Parsers },
  ): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

/** Parsers over PGlite's own for QueryOptions.isoTimestamps (PGlite reads timestamptz as a Date). */
const ISO_PARSERS: Parsers = {
  [TIMESTAMPTZ]: isoTimestampParser((text) =>
    text === "infinity" ? Infinity : text === "-infinity" ? -Infinity : new Date(text)
  ),
};

function wrap(db: PgliteQueryable, named?: PgliteQueryable["query"]): Transaction {
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
        const extra = options?.isoTimestamps ? { parsers: ISO_PARSERS } : undefined;
        const r = options?.name && named
          ? await named<R>(sql, [...params], extra)
          : await db.query<R>(sql, [...params], extra);
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

/**
 * Opens PGlite at `dataDir` (a folder path, or "memory://" for a throwaway database).
 *
 * @example
 * const db = await openPglite("memory://");
 * const { rows } = await db.query("select 1 as one");
 */
/** Whether `dir` already holds a Postgres cluster (initdb writes PG_VERSION). */
async function isCluster(dir: string): Promise<boolean> {
  try {
    return (await Deno.stat(`${dir}/PG_VERSION`)).isFile;
  } catch {
    return false;
  }
}

export async function openPglite(
  dataDir: string,
  options: PgliteOptions = {},
): Promise<RelationalStore> {
  const sharedBuffersMb = options.sharedBuffersMb ?? PGLITE_SHARED_BUFFERS_DEFAULT_MB;
  const create = () =>
    PGlite.create(dataDir, {
      extensions: { uuid_ossp, pg_trgm, pgcrypto, btree_gin },
      parsers: typeParsers,
      // PGlite's own start parameters plus ours (passing startParams replaces them).
      startParams: [...DEFAULT_START_PARAMS, "-c", `shared_buffers=${sharedBuffersMb}MB`],
    });
  if (!dataDir.startsWith("memory://") && !(await isCluster(dataDir))) {
    await Deno.mkdir(dataDir, { recursive: true });
    // initdb grows the WASM memory by ~340 MB, and WASM memory never shrinks: the instance that
    // created the cluster is closed and a fresh one serves it.
    await (await create()).close();
  }
  const db = await create();
  await db.exec(SESSION_SET_SQL);
  const lock = new SerialLock();
  // Named queries outside transactions run as prepared statements (pglite_prepared.ts).
  const prepared = preparedRunner(db);
  const direct = wrap(
    db,
    (sql, params, extra) => prepared.query(sql, params ?? [], extra?.parsers),
  );
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
