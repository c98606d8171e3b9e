/**
 * The relational part of a backup through the port: every application table as NDJSON rows
 * (row_to_json, paged by primary key), and the way back (bulk inserts with triggers and foreign
 * keys held off, sequences moved past the restored ids).
 *
 * @module
 */
import type { Queryable, RelationalStore, Transaction } from "../../stores/relational/port.ts";

/**
 * Tables not dumped as relational data: the migration ledger (the schema version is recorded
 * instead), the backup catalogue, and the embedded documents and graph stores' own tables (their
 * contents are backed up through their ports).
 */
export const EXCLUDED_TABLES = new Set([
  "schema_migrations",
  "backup_runs",
  "doc_collections",
  "doc_documents",
  "doc_indexes",
  "graph_nodes",
  "graph_edges",
]);

const PAGE = 1000;

export interface TableInfo {
  name: string;
  /** Primary key columns with their types, in key order; empty when the table has none. */
  pk: { name: string; type: string }[];
}

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Application tables (partitioned parents, not their partitions), by name. */
export async function listTables(db: Queryable): Promise<TableInfo[]> {
  const tables = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY c.relname`,
  );
  const out: TableInfo[] = [];
  for (const { name } of tables.rows) {
    if (EXCLUDED_TABLES.has(name)) continue;
    out.push(await tableInfo(db, name));
  }
  return out;
}

/** One table's primary key columns and types (a partition has its parent's). */
export async function tableInfo(db: Queryable, name: string): Promise<TableInfo> {
  const pk = await db.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
     FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary
     ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [ident(name)],
  );
  return { name, pk: pk.rows };
}

/** Rows in each table (for progress totals). */
export async function countRows(db: Queryable, table: string): Promise<number> {
  const r = await db.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${ident(table)}`);
  return Number(r.rows[0].n);
}

/** The highest applied migration, 0 when none. */
export async function schemaVersion(db: Queryable): Promise<number> {
  const r = await db.query<{ v: number | string | null }>(
    "SELECT max(version) AS v FROM schema_migrations",
  );
  return Number(r.rows[0]?.v ?? 0);
}

/**
 * Rows waiting in outbox tables (any table named *outbox*, and cache_invalidations). An outbox
 * that keeps its processed rows for a while (a `processed_at` column) counts only the unprocessed.
 */
export async function outboxPositions(db: Queryable): Promise<Record<string, number>> {
  const r = await db.query<{ name: string; marks: boolean }>(
    `SELECT c.relname AS name,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                     AND a.attname = 'processed_at' AND NOT a.attisdropped) AS marks
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND (c.relname LIKE '%outbox%' OR c.relname = 'cache_invalidations')
     ORDER BY c.relname`,
  );
  const out: Record<string, number> = {};
  for (const { name, marks } of r.rows) {
    if (!marks) {
      out[name] = await countRows(db, name);
      continue;
    }
    const p = await db.query<{ n: string | number }>(
      `SELECT count(*) AS n FROM ${ident(name)} WHERE processed_at IS NULL`,
    );
    out[name] = Number(p.rows[0].n);
  }
  return out;
}

/** Insight processing jobs by state (queued, running), empty when there is no queue table. */
export async function processingQueue(db: Queryable): Promise<Record<string, number>> {
  const t = await db.query(
    "SELECT 1 FROM pg_class WHERE relname = 'insight_jobs' AND relkind = 'r'",
  );
  if (t.rows.length === 0) return {};
  const r = await db.query<{ status: string; n: string | number }>(
    `SELECT status, count(*) AS n FROM insight_jobs
     WHERE status IN ('queued', 'running') GROUP BY status`,
  );
  const out: Record<string, number> = { queued: 0, running: 0 };
  for (const row of r.rows) out[row.status] = Number(row.n);
  return out;
}

/** Every row of `table` as one JSON line, paged by primary key (or by row text without one). */
export async function* dumpTable(db: Queryable, table: TableInfo): AsyncGenerator<string> {
  const t = ident(table.name);
  if (table.pk.length === 0) {
    for (let offset = 0;; offset += PAGE) {
      const r = await db.query<{ j: string }>(
        `SELECT row_to_json(t)::text AS j FROM ${t} t ORDER BY t::text LIMIT ${PAGE} OFFSET ${offset}`,
      );
      for (const row of r.rows) yield row.j + "\n";
      if (r.rows.length < PAGE) return;
    }
  }
  const cols = table.pk.map((c) => `t.${ident(c.name)}`);
  const keys = cols.map((c, i) => `${c}::text AS k${i}`).join(", ");
  const tuple = `(${cols.join(", ")})`;
  const params = `(${table.pk.map((c, i) => `$${i + 1}::${c.type}`).join(", ")})`;
  let after: string[] | null = null;
  while (true) {
    const where: string = after === null ? "" : `WHERE ${tuple} > ${params}`;
    const r: { rows: Record<string, string>[] } = await db.query<Record<string, string>>(
      `SELECT row_to_json(t)::text AS j, ${keys} FROM ${t} t ${where}
       ORDER BY ${cols.join(", ")} LIMIT ${PAGE}`,
      after ?? [],
    );
    for (const row of r.rows) yield row.j + "\n";
    if (r.rows.length < PAGE) return;
    const last: Record<string, string> = r.rows[r.rows.length - 1];
    after = table.pk.map((_, i) => last[`k${i}`]);
  }
}

/**
 * Runs `fn` over a consistent view for the dump: a read-only repeatable-read transaction on the
 * server adapter; on PGlite (one connection, which a long transaction would hold from every
 * request) the pages are read as they come.
 */
export async function withDumpSnapshot<T>(
  db: RelationalStore,
  fn: (q: Queryable) => Promise<T>,
): Promise<T> {
  if (db.adapter === "pglite") return await fn(db);
  return await db.transaction(async (tx) => {
    await tx.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    return await fn(tx);
  });
}

/** Non-generated columns of a table, as insert targets. */
async function insertColumns(tx: Queryable, table: string): Promise<Set<string>> {
  const r = await tx.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
     WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''`,
    [ident(table)],
  );
  return new Set(r.rows.map((x) => x.name));
}

/** True when the target holds user data (any user account). */
export async function relationalHasData(db: Queryable): Promise<boolean> {
  const present = await db.query<{ p: boolean }>(
    "SELECT to_regclass('users') IS NOT NULL AS p",
  );
  if (!present.rows[0].p) return false;
  const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM users");
  return Number(r.rows[0].n) > 0;
}

/**
 * Empties the dumped tables and loads each part's lines, in one transaction: either the whole
 * relational store is restored or nothing changes. Returns rows inserted.
 */
export async function restoreRelational(
  db: RelationalStore,
  tables: readonly string[],
  linesOf: (table: string) => AsyncIterable<string>,
  onRows?: (n: number) => void,
): Promise<number> {
  return await db.transaction(async (tx) => {
    const superuser = await tx.query<{ s: boolean }>(
      "SELECT rolsuper AS s FROM pg_roles WHERE rolname = current_user",
    );
    // Replica mode holds off triggers (updated_at stays as dumped) and foreign-key checks, so
    // tables load in any order. Without a superuser, tables load in foreign-key order instead.
    const ordered = superuser.rows[0]?.s ? [...tables] : await foreignKeyOrder(tx, tables);
    if (superuser.rows[0]?.s) await tx.query("SET LOCAL session_replication_role = replica");
    if (tables.length > 0) {
      await tx.query(`TRUNCATE TABLE ${tables.map(ident).join(", ")} CASCADE`);
    }
    // Replica mode also holds off the account-change triggers (sql/0092): every instance's
    // memo of account state is told here, on commit, that all of it is void.
    await tx.query("SELECT pg_notify('polystore_accounts', '*')");
    let total = 0;
    for (const table of ordered) {
      const columns = await insertColumns(tx, table);
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        total += await insertBatch(tx, table, columns, batch);
        onRows?.(batch.length);
        batch = [];
      };
      for await (const line of linesOf(table)) {
        batch.push(line.trim());
        if (batch.length >= 500) await flush();
      }
      await flush();
      await resetSequences(tx, table);
    }
    return total;
  });
}

async function insertBatch(
  tx: Transaction,
  table: string,
  columns: Set<string>,
  lines: string[],
): Promise<number> {
  const first = JSON.parse(lines[0]) as Record<string, unknown>;
  const cols = Object.keys(first).filter((c) => columns.has(c)).map(ident).join(", ");
  const r = await tx.query(
    `INSERT INTO ${ident(table)} (${cols}) OVERRIDING SYSTEM VALUE
     SELECT ${cols} FROM json_populate_recordset(NULL::${ident(table)}, $1::json)`,
    [`[${lines.join(",")}]`],
  );
  return r.rowCount;
}

async function resetSequences(tx: Transaction, table: string): Promise<void> {
  const r = await tx.query<{ col: string; seq: string }>(
    `SELECT a.attname AS col, pg_get_serial_sequence($1, a.attname) AS seq
     FROM pg_attribute a WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
       AND pg_get_serial_sequence($1, a.attname) IS NOT NULL`,
    [ident(table)],
  );
  for (const { col, seq } of r.rows) {
    await tx.query(
      `SELECT setval($1::regclass, coalesce((SELECT max(${ident(col)}) FROM ${
        ident(table)
      }), 0) + 1,
       false)`,
      [seq],
    );
  }
}

/** Tables ordered so that a referenced table comes before the tables that reference it. */
async function foreignKeyOrder(tx: Queryable, tables: readonly string[]): Promise<string[]> {
  const r = await tx.query<{ child: string; parent: string }>(
    `SELECT cl.relname AS child, pr.relname AS parent FROM pg_constraint c
     JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class pr ON pr.oid = c.confrelid
     WHERE c.contype = 'f'`,
  );
  const deps = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const { child, parent } of r.rows) {
    if (child !== parent && deps.has(child) && deps.has(parent)) deps.get(child)!.add(parent);
  }
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (t: string, path: Set<string>) => {
    if (seen.has(t) || path.has(t)) return;
    path.add(t);
    for (const p of deps.get(t) ?? []) visit(p, path);
    seen.add(t);
    out.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return out;
}
