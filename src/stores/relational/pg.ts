/**
 * Server relational adapter: a npm:pg pool with timeouts from config, named prepared statements
 * for hot queries, connect retries with backoff, and driver errors mapped to StoreErrors.
 *
 * @module
 */
import pg from "pg";
import { measureHealth, type StoreHealth } from "../health.ts";
import { retry } from "../resilience.ts";
import { mapPgError, rethrowable } from "./pg_errors.ts";
import { typeParsers } from "./type_parsers.ts";
import { isoTimestampParser, TIMESTAMPTZ } from "./iso_timestamps.ts";
import { SESSION_STARTUP_OPTIONS } from "./session.ts";
import { listenPg } from "./pg_listen.ts";
import { PipelineLanes } from "./pg_lanes.ts";
import type { QueryOptions, QueryResult, RelationalStore, Row, Transaction } from "./port.ts";

export interface PgOptions {
  url: string;
  poolSize: number;
  idleTimeoutMs: number;
  statementTimeoutMs: number;
  /** How long to wait for a free connection or a new one before failing as unavailable. */
  connectTimeoutMs: number;
  /**
   * Where LISTEN connects, when `url` goes through a transaction-pooling PgBouncer (whose server
   * connections change between transactions, so notifications would go astray); default `url`.
   */
  listenUrl?: string;
  /**
   * Connections that carry statements outside transactions, pipelined (pg_lanes.ts); 0 sends them
   * through the pool, one at a time per connection. Default 2.
   */
  pipelineLanes?: number;
  /**
   * How long a lane's oldest statement may have waited for new statements to still queue behind
   * it; 0 (default): only behind statements of the same tick (pg_lanes.ts).
   */
  pipelineStallMs?: number;
  /** Attempts for the first connection (a server that is still starting). */
  connectAttempts?: number;
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

// Per-pool parsers, so no global pg.types mutation leaks between pools or tests.
const types = {
  getTypeParser(oid: number, format?: string) {
    const custom = typeParsers[oid];
    if (custom && format !== "binary") return custom;
    // deno-lint-ignore no-explicit-any
    return (pg.types.getTypeParser as any)(oid, format);
  },
};

// The same, with timestamptz as ISO text (QueryOptions.isoTimestamps).
const isoTimestamptz = isoTimestampParser(
  types.getTypeParser(TIMESTAMPTZ) as (t: string) => unknown,
);
const isoTypes = {
  getTypeParser(oid: number, format?: string) {
    return oid === TIMESTAMPTZ && format !== "binary"
      ? isoTimestamptz
      : types.getTypeParser(oid, format);
  },
};

type PgClient = {
  query<R extends pg.QueryResultRow>(config: pg.QueryConfig<unknown[]>): Promise<pg.QueryResult<R>>;
  query(text: string): Promise<unknown>;
};

/**
 * Names of prepared statements whose plan went stale, and the names they go by now. A table that
 * gains a column under a running instance (another instance migrated) makes Postgres refuse a
 * prepared `select t.*` ("cached plan must not change result type", 0A000) on every connection
 * that prepared it; pg has no way to re-prepare a name, so the query moves to a new one.
 */
class StatementNames {
  readonly #renamed = new Map<string, string>();
  #generation = 0;

  current(name: string): string {
    return this.#renamed.get(name) ?? name;
  }

  /** Gives `name` a new one (each connection prepares it on first use); returns it. */
  renew(name: string): string {
    const fresh = `${name}_r${++this.#generation}`;
    this.#renamed.set(name, fresh);
    return fresh;
  }
}

const isStalePlan = (err: unknown) => (err as { code?: string }).code === "0A000";

function wrap(client: PgClient, names: StatementNames, inTransaction: boolean): Transaction {
  return {
    async exec(sql: string) {
      try {
        // No parameters: pg uses the simple protocol, which accepts several statements.
        await client.query(sql);
      } catch (err) {
        throw mapPgError(err);
      }
    },
    async query<R extends Row = Row>(
      sql: string,
      params: readonly unknown[] = [],
      options?: QueryOptions,
    ): Promise<QueryResult<R>> {
      const parsers = options?.isoTimestamps ? isoTypes : undefined;
      const run = async (name: string | undefined) => {
        const r = await client.query<R>(
          name
            ? { name, text: sql, values: [...params], types: parsers }
            : { text: sql, values: [...params], types: parsers },
        );
        return { rows: r.rows, rowCount: r.rowCount ?? r.rows.length };
      };
      const name = options?.name ? names.current(options.name) : undefined;
      try {
        return await run(name);
      } catch (err) {
        if (!name || !options?.name || !isStalePlan(err)) throw mapPgError(err);
        const fresh = names.renew(options.name);
        // An aborted transaction cannot run it again; the caller's retry will use the new name.
        if (inTransaction) throw mapPgError(err);
        try {
          return await run(fresh);
        } catch (again) {
          throw mapPgError(again);
        }
      }
    },
  };
}

/** Opens a pool and proves it with a first query, retrying with backoff while the server starts. */
export async function openPg(options: PgOptions): Promise<RelationalStore> {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    idleTimeoutMillis: options.idleTimeoutMs,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    query_timeout: options.statementTimeoutMs + 1000,
    application_name: "polystore",
    options: SESSION_STARTUP_OPTIONS,
    types,
  });
  // An idle client losing its server emits on the pool; without a listener that would crash.
  pool.on("error", () => {});
  const names = new StatementNames();
  const laneCount = options.pipelineLanes ?? 2;
  const lanes = laneCount > 0
    ? new PipelineLanes({
      url: options.url,
      lanes: laneCount,
      statementTimeoutMs: options.statementTimeoutMs,
      connectTimeoutMs: options.connectTimeoutMs,
      startupOptions: SESSION_STARTUP_OPTIONS,
      types,
      overflow: (config) => pool.query(config),
      stallMs: options.pipelineStallMs,
    })
    : undefined;
  const direct = wrap(pool, names, false);
  const outside = lanes
    ? wrap(
      {
        query: (config: string | pg.QueryConfig<unknown[]>) =>
          typeof config === "string" ? pool.query(config) : lanes.query(config),
      } as PgClient,
      names,
      false,
    )
    : direct;

  try {
    await retry(() => pool.query("select 1"), {
      attempts: options.connectAttempts ?? 5,
      baseDelayMs: 200,
      maxDelayMs: 3000,
      onRetry: options.onRetry,
    });
  } catch (err) {
    await lanes?.close();
    await pool.end().catch(() => {});
    throw mapPgError(err);
  }

  return {
    adapter: "pg",
    query: (sql, params, opts) => outside.query(sql, params, opts),
    async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw mapPgError(err);
      }
      let broken = false;
      try {
        await client.query("BEGIN");
        const result = await fn(wrap(client, names, true));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch {
          broken = true;
        }
        throw rethrowable(err);
      } finally {
        client.release(broken);
      }
    },
    exec: (sql) => direct.exec(sql),
    listen: (channel, onNotify, events) =>
      listenPg(
        {
          url: options.listenUrl ?? options.url,
          connectTimeoutMs: options.connectTimeoutMs,
        },
        channel,
        onNotify,
        events,
      ),
    health: (): Promise<StoreHealth> => measureHealth("pg", () => pool.query("select 1")),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await lanes?.close();
      await pool.end();
    },
  };
}
