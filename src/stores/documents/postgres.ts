/**
 * Embedded documents adapter: MongoDB-style collections as JSONB rows in the relational store
 * (PGlite or server Postgres), with SQL built from the validated filter and update subsets.
 *
 * Storage is one table for every collection, keyed by (collection, id), not a table per
 * collection: collections appear on first insert with no DDL (so no identifier is ever built
 * from a collection name on the hot path and no CREATE TABLE races between instances), listing
 * and dropping are plain row operations, and each index is a partial expression index
 * `WHERE collection = '<name>'`, which gives a collection its own unique and sort indexes as a
 * table per collection would. Dates are stored as `{"$date": iso}`, the NDJSON backup form.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import type { Queryable, RelationalStore, Row } from "../relational/port.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { afterSql, filterSql, type FilterSqlTarget, orderBySql, SqlParams } from "./filter_sql.ts";
import { parseFilter, parseLimit, parseSort, validateCollectionName } from "./filter_validate.ts";
import { type ParsedIndex, parseIndexSpec, sameIndex } from "./index_spec.ts";
import { ndjsonBatches } from "./ndjson.ts";
import type {
  Collection,
  Doc,
  Filter,
  FindOptions,
  IndexSpec,
  NewDoc,
  Page,
  Update,
  UpdateResult,
} from "./port.ts";
import { DEFAULT_SWEEP_INTERVAL_MS, startSweeper, type TtlDocumentStore } from "./ttl.ts";
import { updateSql } from "./update_sql.ts";
import { parseUpdate } from "./update_validate.ts";
import { decodeValue, type Json } from "./value_codec.ts";
import {
  conflict,
  constraintOf,
  docError,
  indexExprs,
  pgIndexName,
  prepare,
  type PreparedDoc,
  SCHEMA,
  ttlExpr,
} from "./postgres_support.ts";

export interface PostgresDocumentsOptions {
  /** Pause between TTL sweeps; 0 turns the background sweeper off. Default 60 s. */
  sweepIntervalMs?: number;
}

const ADAPTER = "postgres-jsonb";
const EXPORT_BATCH = 500;
const IMPORT_BATCH = 500;
/** Serialises schema set-up across instances sharing one database. */
const SCHEMA_LOCK = 7_361_626_901;
const T: FilterSqlTarget = { body: "body", id: "id" };

/**
 * Opens the JSONB documents adapter on `db`, creating its tables if needed. Closing it stops the
 * TTL sweeper but leaves `db` open: the caller owns the relational store.
 *
 * @example
 * const docs = await openPostgresDocuments(await openPglite("memory://"));
 * await docs.collection("notes").insertOne({ text: "hi", at: new Date() });
 */
export async function openPostgresDocuments(
  db: RelationalStore,
  opts: PostgresDocumentsOptions = {},
): Promise<TtlDocumentStore> {
  const run = async <R extends Row>(
    q: Queryable,
    sql: string,
    params: readonly unknown[],
  ): Promise<R[]> => {
    try {
      return (await q.query<R>(sql, params)).rows;
    } catch (err) {
      throw docError(err);
    }
  };

  try {
    await db.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
      for (const stmt of SCHEMA) await tx.query(stmt);
    });
  } catch (err) {
    throw docError(err);
  }

  /** Turns a unique violation into a conflict naming the field it concerns. */
  async function explainConflict(err: StoreError): Promise<StoreError> {
    if (err.code !== "conflict") return err;
    const constraint = constraintOf(err);
    if (constraint === undefined || constraint === "doc_documents_pkey") {
      return conflict("a document with this _id already exists", err, "_id");
    }
    const rows = await run<{ name: string; spec: { keys: { path: string }[] } }>(
      db,
      `SELECT name, spec FROM doc_indexes WHERE pg_name = $1::text`,
      [constraint],
    ).catch(() => []);
    const index = rows[0];
    if (!index) return conflict("duplicate value", err);
    const fields = index.spec.keys.map((k) => k.path);
    return conflict(
      `duplicate value for unique index ${index.name} (${fields.join(", ")})`,
      err,
      fields[0],
    );
  }

  async function write<R extends Row>(
    q: Queryable,
    sql: string,
    params: readonly unknown[],
  ): Promise<R[]> {
    try {
      return await run<R>(q, sql, params);
    } catch (err) {
      throw err instanceof StoreError ? await explainConflict(err) : err;
    }
  }

  async function sweepExpired(now = new Date()): Promise<number> {
    const rows = await run<{ collection: string; spec: ParsedIndex }>(
      db,
      `SELECT collection, spec FROM doc_indexes WHERE spec ? 'expireAfterSeconds'`,
      [],
    );
    let deleted = 0;
    for (const { collection, spec } of rows) {
      const cutoff = new Date(now.getTime() - (spec.expireAfterSeconds ?? 0) * 1000);
      // Same expression as the TTL index, so the sweep is an index range scan.
      const gone = await run<{ n: number }>(
        db,
        `WITH d AS (DELETE FROM doc_documents WHERE collection = $1::text
           AND ${ttlExpr(spec.keys[0].path)} < $2::text RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [collection, cutoff.toISOString()],
      );
      deleted += gone[0]?.n ?? 0;
    }
    return deleted;
  }

  const interval = opts.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const stopSweeper = interval > 0 ? startSweeper(interval, sweepExpired) : () => {};

  function collection(name: string): Collection {
    validateCollectionName(name);

    async function insertPrepared(prepared: PreparedDoc[]): Promise<Doc[]> {
      if (prepared.length === 0) return [];
      await write(
        db,
        `WITH reg AS (INSERT INTO doc_collections (name) VALUES ($1::text) ON CONFLICT DO NOTHING)
         INSERT INTO doc_documents (collection, id, body)
         SELECT $1::text, e ->> '_id', e FROM jsonb_array_elements($2::jsonb) AS e`,
        [name, JSON.stringify(prepared.map((p) => p.json))],
      );
      return prepared.map((p) => p.doc);
    }

    function where(filter: Filter | undefined, params: SqlParams): string {
      return `collection = $1::text AND (${filterSql(parseFilter(filter), params, T)})`;
    }

    async function update(filter: Filter, upd: Update, one: boolean): Promise<UpdateResult> {
      const ops = parseUpdate(upd);
      const params = new SqlParams([name]);
      const cond = where(filter, params);
      const next = updateSql(ops, params, "t.body");
      const rows = await write<{ matched: number; modified: number }>(
        db,
        `WITH target AS (
           SELECT id, body FROM doc_documents WHERE ${cond}
           ${one ? "ORDER BY id LIMIT 1" : ""} FOR UPDATE),
         changed AS (SELECT t.id, t.body AS old, ${next} AS new FROM target AS t),
         upd AS (
           UPDATE doc_documents AS d SET body = c.new FROM changed AS c
           WHERE d.collection = $1::text AND d.id = c.id AND c.new IS DISTINCT FROM c.old
           RETURNING 1)
         SELECT (SELECT count(*) FROM target)::int AS matched,
                (SELECT count(*) FROM upd)::int AS modified`,
        params.values,
      );
      return { matched: rows[0]?.matched ?? 0, modified: rows[0]?.modified ?? 0 };
    }

    return {
      name,
      async insertOne(doc: NewDoc): Promise<Doc> {
        const [inserted] = await insertPrepared([prepare(doc)]);
        return inserted;
      },
      insertMany(docs: readonly NewDoc[]): Promise<Doc[]> {
        if (!Array.isArray(docs)) {
          return Promise.reject(
            new StoreError("invalid", "documents", "insertMany needs an array"),
          );
        }
        try {
          return insertPrepared(docs.map(prepare));
        } catch (err) {
          return Promise.reject(err);
        }
      },
      async findOne(filter: Filter): Promise<Doc | null> {
        const params = new SqlParams([name]);
        const rows = await run<{ body: Json }>(
          db,
          `SELECT body FROM doc_documents WHERE ${where(filter, params)} ORDER BY id LIMIT 1`,
          params.values,
        );
        return rows.length === 0 ? null : decodeValue(rows[0].body) as Doc;
      },
      async find(filter: Filter, options: FindOptions = {}): Promise<Page<Doc>> {
        const sort = parseSort(options.sort);
        const limit = parseLimit(options.limit);
        const params = new SqlParams([name]);
        let cond = where(filter, params);
        if (options.cursor !== undefined && options.cursor !== null) {
          cond += ` AND (${afterSql(sort, decodeCursor(options.cursor, sort), params, T)})`;
        }
        const rows = await run<{ body: Json }>(
          db,
          `SELECT body FROM doc_documents WHERE ${cond} ORDER BY ${orderBySql(sort, T)}
           LIMIT ${params.add(limit + 1, "int")}`,
          params.values,
        );
        const items = rows.slice(0, limit).map((r) => decodeValue(r.body) as Doc);
        const more = rows.length > limit;
        return { items, next_cursor: more ? encodeCursor(sort, items[items.length - 1]) : null };
      },
      updateOne: (filter, upd) => update(filter, upd, true),
      updateMany: (filter, upd) => update(filter, upd, false),
      async deleteOne(filter: Filter): Promise<number> {
        const params = new SqlParams([name]);
        const rows = await run<{ n: number }>(
          db,
          `WITH d AS (DELETE FROM doc_documents WHERE collection = $1::text AND id = (
             SELECT id FROM doc_documents WHERE ${where(filter, params)}
             ORDER BY id LIMIT 1 FOR UPDATE) RETURNING 1)
           SELECT count(*)::int AS n FROM d`,
          params.values,
        );
        return rows[0]?.n ?? 0;
      },
      async deleteMany(filter: Filter): Promise<number> {
        const params = new SqlParams([name]);
        const rows = await run<{ n: number }>(
          db,
          `WITH d AS (DELETE FROM doc_documents WHERE ${where(filter, params)} RETURNING 1)
           SELECT count(*)::int AS n FROM d`,
          params.values,
        );
        return rows[0]?.n ?? 0;
      },
      async count(filter?: Filter): Promise<number> {
        const params = new SqlParams([name]);
        const rows = await run<{ n: number }>(
          db,
          `SELECT count(*)::int AS n FROM doc_documents WHERE ${where(filter, params)}`,
          params.values,
        );
        return rows[0]?.n ?? 0;
      },
      async createIndex(spec: IndexSpec): Promise<void> {
        const index = parseIndexSpec(spec);
        const pgName = await pgIndexName(name, index.name);
        try {
          await db.transaction(async (tx) => {
            await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1::text))`, [`doc_idx:${name}`]);
            const existing = await run<{ name: string; spec: ParsedIndex }>(
              tx,
              `SELECT name, spec FROM doc_indexes WHERE collection = $1::text`,
              [name],
            );
            for (const row of existing) {
              const same = sameIndex(row.spec, index);
              if (row.name === index.name && same) return;
              if (row.name === index.name || sameKeys(row.spec, index)) {
                throw conflict(
                  `index ${row.name} already exists on ${name} with other keys or options`,
                  undefined,
                );
              }
            }
            // DDL takes no bind parameters; the collection name passed COLLECTION_RE (no quotes)
            // and the index name is a hex digest.
            await tx.query(
              `CREATE ${index.unique ? "UNIQUE " : ""}INDEX IF NOT EXISTS ${pgName}
               ON doc_documents (${indexExprs(index).join(", ")}) WHERE collection = '${name}'`,
            );
            await tx.query(
              `INSERT INTO doc_indexes (collection, name, spec, pg_name)
               VALUES ($1::text, $2::text, $3::jsonb, $4::text)`,
              [name, index.name, JSON.stringify(index), pgName],
            );
            await tx.query(
              `INSERT INTO doc_collections (name) VALUES ($1::text) ON CONFLICT DO NOTHING`,
              [name],
            );
          });
        } catch (err) {
          // Our own refusals are already documents errors; a unique violation here means the
          // collection holds duplicates, so the index cannot be built.
          if (err instanceof StoreError && err.store === "documents") throw err;
          const e = docError(err);
          throw e.code === "conflict"
            ? conflict(`cannot build unique index ${index.name}: duplicate values`, err)
            : e;
        }
      },
      async *exportNdjson(): AsyncIterable<string> {
        let after = "";
        while (true) {
          const rows = await run<{ id: string; body: Record<string, Json> }>(
            db,
            `SELECT id, body FROM doc_documents WHERE collection = $1::text AND id > $2::text
             ORDER BY id LIMIT ${EXPORT_BATCH}`,
            [name, after],
          );
          for (const r of rows) yield JSON.stringify({ _id: r.id, ...r.body }) + "\n";
          if (rows.length < EXPORT_BATCH) return;
          after = rows[rows.length - 1].id;
        }
      },
      async importNdjson(lines: AsyncIterable<string>): Promise<number> {
        let n = 0;
        for await (const batch of ndjsonBatches(lines, IMPORT_BATCH)) {
          n += (await insertPrepared(batch.map(prepare))).length;
        }
        return n;
      },
    };
  }

  function sameKeys(a: ParsedIndex, b: ParsedIndex): boolean {
    return a.keys.length === b.keys.length &&
      a.keys.every((k, i) => k.path === b.keys[i].path && k.dir === b.keys[i].dir);
  }

  return {
    adapter: ADAPTER,
    collection,
    async listCollections(): Promise<string[]> {
      const rows = await run<{ name: string }>(
        db,
        `SELECT name FROM doc_collections ORDER BY name`,
        [],
      );
      return rows.map((r) => r.name);
    },
    async dropCollection(name: string): Promise<void> {
      validateCollectionName(name);
      try {
        await db.transaction(async (tx) => {
          await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1::text))`, [`doc_idx:${name}`]);
          const idx = await tx.query<{ pg_name: string }>(
            `SELECT pg_name FROM doc_indexes WHERE collection = $1::text`,
            [name],
          );
          for (const { pg_name } of idx.rows) {
            if (!/^doc_idx_[0-9a-f]+$/.test(pg_name)) continue;
            await tx.query(`DROP INDEX IF EXISTS ${pg_name}`);
          }
          for (const table of ["doc_indexes", "doc_documents"]) {
            await tx.query(`DELETE FROM ${table} WHERE collection = $1::text`, [name]);
          }
          await tx.query(`DELETE FROM doc_collections WHERE name = $1::text`, [name]);
        });
      } catch (err) {
        throw docError(err);
      }
    },
    health: (): Promise<StoreHealth> =>
      measureHealth(ADAPTER, () => db.query(`SELECT 1 FROM doc_collections LIMIT 1`)),
    sweepExpired,
    close(): Promise<void> {
      stopSweeper();
      return Promise.resolve();
    },
  };
}
