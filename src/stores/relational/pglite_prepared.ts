/**
 * Named prepared statements for PGlite, which has none of its own: its `query()` parses, plans
 * and describes every statement on every call (5x the cost of the execution for a short query).
 * A named query is parsed once, then run as one Bind/Describe/Execute/Sync batch; its rows go
 * through PGlite's own serializers and parsers, so results equal those of `query()`.
 *
 * @module
 */
import { parse, type PGlite, protocol } from "@electric-sql/pglite";

interface Prepared {
  name: string;
  types: number[];
}

type Serializer = (v: unknown) => string;
type Parsers = Parameters<typeof parse.parseResults>[1];

/** How many statements are kept prepared; past that, queries take PGlite's unprepared path. */
const MAX_PREPARED = 256;

/** SQLSTATEs after which a prepared statement is dropped and the query run unprepared. */
const STALE = new Set([
  "0A000", // cached plan must not change result type (the table changed under it)
  "26000", // invalid_sql_statement_name (the statement is gone)
]);

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export interface PreparedRunner {
  /** Runs `sql` prepared; the caller serialises access to the database (one call at a time). */
  query<R>(
    sql: string,
    params: readonly unknown[],
    /** Parsers over PGlite's own for this query. */
    parsers?: Parsers,
  ): Promise<{ rows: R[]; affectedRows?: number }>;
}

/** Prepared-statement runner over `db`; falls back to `db.query` when full or stale. */
export function preparedRunner(db: PGlite): PreparedRunner {
  const { serialize } = protocol;
  // PGlite's own (type oid -> serializer / parser) tables, custom parsers included.
  const inner = db as unknown as { serializers: Record<number, Serializer>; parsers: Parsers };
  const statements = new Map<string, Prepared>();
  let counter = 0;

  const prepare = async (sql: string): Promise<Prepared> => {
    const name = `polystore_${++counter}`;
    const r = await db.execProtocol(
      concat([
        serialize.parse({ name, text: sql, types: [] }),
        serialize.describe({ type: "S", name }),
        serialize.sync(),
      ]),
    );
    const prepared = { name, types: parse.parseDescribeStatementResults(r.messages) };
    statements.set(sql, prepared);
    return prepared;
  };

  // Parsers over PGlite's, as objects whose prototype is PGlite's table: PGlite's own per-query
  // parsers copy the whole table (318 types) on every query.
  const layered = new WeakMap<Parsers, Parsers>();
  const over = (extra: Parsers): Parsers => {
    let p = layered.get(extra);
    if (p === undefined) {
      p = Object.assign(Object.create(inner.parsers) as Parsers, extra);
      layered.set(extra, p);
    }
    return p;
  };

  const run = async <R>(p: Prepared, params: readonly unknown[], extra?: Parsers) => {
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const s = inner.serializers[p.types[i]];
      return s ? s(v) : String(v);
    });
    const r = await db.execProtocol(
      concat([
        serialize.bind({ statement: p.name, values }),
        serialize.describe({ type: "P" }),
        serialize.execute({}),
        serialize.sync(),
      ]),
    );
    return parse.parseResults(r.messages, extra ? over(extra) : inner.parsers)[0] as unknown as {
      rows: R[];
      affectedRows?: number;
    };
  };

  return {
    async query<R>(sql: string, params: readonly unknown[], parsers?: Parsers) {
      // Off the prepared path, rows are read with PGlite's copy of its table (see `over`): rare.
      const options = parsers ? { parsers } : undefined;
      let p = statements.get(sql);
      if (p === undefined) {
        if (statements.size >= MAX_PREPARED) return await db.query<R>(sql, [...params], options);
        p = await prepare(sql);
      }
      try {
        return await run<R>(p, params, parsers);
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === undefined || !STALE.has(code)) throw err;
        // The statement no longer fits the schema: forget it and let PGlite plan afresh.
        statements.delete(sql);
        await db.exec(`deallocate ${p.name}`).catch(() => {});
        return await db.query<R>(sql, [...params], options);
      }
    },
  };
}
