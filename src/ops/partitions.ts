/**
 * Partition upkeep for operators: list monthly partitions, make months ahead, and archive old
 * months by retention (compressed NDJSON to the bucket, verified, then detached and dropped).
 * Every archive run is recorded in partition_runs and holds a cache lock while it acts.
 *
 * @module
 */
import { conflict, unprocessable } from "../errors.ts";
import { ensurePartitions as ensureMonths, PARTITIONED_TABLES } from "./partition_upkeep.ts";
import { inspectPart, writePart } from "./backup/parts.ts";
import { BACKUP_BUCKET } from "./backup/parts.ts";
import { dumpTable, tableInfo } from "./backup/relational.ts";
import type {
  OpsContext,
  PartitionAction,
  PartitionInfo,
  PartitionRetention,
  PartitionRun,
} from "./types.ts";

/** Seed 004 section 9: months kept hot in the database, and cold in the archive. */
export const RETENTION: readonly PartitionRetention[] = [
  { table: "agent_logs", hotMonths: 3, coldMonths: 12 },
  { table: "audit_logs", hotMonths: 6, coldMonths: 36 },
];

const LOCK = "lock:ops:partition-archive";
const LOCK_TTL_MS = 30 * 60 * 1000;
const NAME = /^(.+)_(\d{4})_(\d{2})$/;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const monthStart = (ms: number, plusMonths = 0) => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + plusMonths, 1);
};

/** Every partition of the partitioned tables with its range, rows and size. */
export async function listPartitions(ctx: OpsContext): Promise<PartitionInfo[]> {
  const db = ctx.stores.relational;
  const r = await db.query<{ tbl: string; name: string; size: number | string }>(
    `SELECT p.relname AS tbl, c.relname AS name, pg_total_relation_size(c.oid) AS size
     FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_class c ON c.oid = i.inhrelid
     WHERE p.relname = ANY($1::text[]) ORDER BY p.relname, c.relname`,
    [[...PARTITIONED_TABLES]],
  );
  const out: PartitionInfo[] = [];
  for (const row of r.rows) {
    const m = row.name.match(NAME);
    const from = m ? Date.UTC(Number(m[2]), Number(m[3]) - 1, 1) : null;
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${ident(row.name)}`);
    out.push({
      table: row.tbl,
      name: row.name,
      from: from === null ? null : new Date(from).toISOString(),
      to: from === null ? null : new Date(monthStart(from, 1)).toISOString(),
      is_default: row.name.endsWith("_default"),
      rows: Number(rows.rows[0].n),
      size_bytes: Number(row.size),
    });
  }
  return out;
}

/** Makes the current month's partition and `monthsAhead` more (default 6); returns new names. */
export async function ensurePartitions(
  ctx: OpsContext,
  monthsAhead = 6,
): Promise<{ created: string[] }> {
  return { created: await ensureMonths(ctx.stores.relational, ctx.now(), monthsAhead) };
}

type RunRow = {
  id: string;
  kind: "archive" | "ensure";
  dry_run: boolean;
  state: PartitionRun["state"];
  started_at: Date;
  finished_at: Date | null;
  actions: PartitionAction[] | string;
  error: string | null;
};

function toRun(r: RunRow): PartitionRun {
  return {
    id: r.id,
    kind: r.kind,
    dry_run: r.dry_run,
    state: r.state,
    started_at: new Date(r.started_at).toISOString(),
    finished_at: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    actions: typeof r.actions === "string" ? JSON.parse(r.actions) : r.actions,
    error: r.error,
  };
}

/** Partition runs, newest first. */
export async function listPartitionRuns(
  ctx: OpsContext,
  opts: { limit?: number } = {},
): Promise<PartitionRun[]> {
  const r = await ctx.stores.relational.query<RunRow>(
    `SELECT id, kind, dry_run, state, started_at, finished_at, actions, error FROM partition_runs
     ORDER BY started_at DESC LIMIT $1::int`,
    [Math.min(Math.max(opts.limit ?? 50, 1), 200)],
  );
  return r.rows.map(toRun);
}

/** What would go (or must be refused) at `nowMs`. */
async function plan(
  ctx: OpsContext,
  nowMs: number,
  only: readonly string[] | undefined,
): Promise<PartitionAction[]> {
  const db = ctx.stores.relational;
  const parts = (await listPartitions(ctx)).filter((p) => !p.is_default);
  const actions: PartitionAction[] = [];
  for (const rule of RETENTION) {
    const cutoff = monthStart(nowMs, -rule.hotMonths);
    for (const p of parts.filter((x) => x.table === rule.table)) {
      const old = Date.parse(p.to!) <= cutoff;
      if (only ? !only.includes(p.name) : !old) continue;
      const inside = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${ident(p.name)} WHERE created_at >= $1::timestamptz`,
        [new Date(cutoff)],
      );
      const base = { table: p.table, partition: p.name, from: p.from!, to: p.to!, rows: p.rows };
      if (!old || Number(inside.rows[0].n) > 0) {
        actions.push({
          ...base,
          action: "refuse",
          reason: `inside the ${rule.hotMonths}-month retention window (from ${
            new Date(cutoff).toISOString().slice(0, 10)
          })`,
        });
      } else {
        actions.push({
          ...base,
          action: "archive",
          object_key: `partitions/${p.table}/${p.name}.ndjson.gz`,
        });
      }
    }
  }
  for (const name of only ?? []) {
    if (!actions.some((a) => a.partition === name)) {
      throw unprocessable(`no partition ${name}`, [{ path: "partitions", message: "unknown" }]);
    }
  }
  return actions;
}

/** Archived files older than the cold retention, removed from the bucket. */
async function expireArchives(ctx: OpsContext, nowMs: number, dryRun: boolean) {
  const out: PartitionAction[] = [];
  const objects = ctx.stores.objects;
  for (const rule of RETENTION) {
    const cutoff = monthStart(nowMs, -rule.coldMonths);
    const files = await objects.list(BACKUP_BUCKET, `partitions/${rule.table}/`).catch(() => []);
    for (const f of files) {
      const m = f.key.match(/\/([a-z_]+_\d{4}_\d{2})\.ndjson\.gz$/)?.[1].match(NAME);
      if (!m) continue;
      const from = Date.UTC(Number(m[2]), Number(m[3]) - 1, 1);
      if (monthStart(from, 1) > cutoff) continue;
      if (!dryRun) await objects.remove(BACKUP_BUCKET, f.key);
      out.push({
        table: rule.table,
        partition: `${m[1]}_${m[2]}_${m[3]}`,
        from: new Date(from).toISOString(),
        to: new Date(monthStart(from, 1)).toISOString(),
        rows: 0,
        action: "expire",
        object_key: f.key,
      });
    }
  }
  return out;
}

async function archiveOne(ctx: OpsContext, a: PartitionAction): Promise<void> {
  const db = ctx.stores.relational;
  const info = await tableInfo(db, a.partition);
  const written = await writePart(ctx.stores.objects, a.object_key!, dumpTable(db, info));
  const check = await inspectPart(ctx.stores.objects, a.object_key!);
  if (check.sha256 !== written.sha256 || check.count !== a.rows) {
    throw new Error(
      `${a.object_key}: the upload does not verify (${check.count} of ${a.rows} rows)`,
    );
  }
  a.sha256 = written.sha256;
  await db.transaction(async (tx) => {
    const again = await tx.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ident(a.partition)}`,
    );
    if (Number(again.rows[0].n) !== a.rows) {
      throw new Error(`${a.partition} changed while it was archived; run again`);
    }
    await tx.query(`ALTER TABLE ${ident(a.table)} DETACH PARTITION ${ident(a.partition)}`);
    await tx.query(`DROP TABLE ${ident(a.partition)}`);
  });
}

/**
 * Archives partitions older than the hot retention (dry run: only lists them, and refuses any
 * holding rows inside the window). `now` overrides the context clock; `only` names partitions.
 */
export async function archivePartitions(
  ctx: OpsContext,
  opts: { dryRun?: boolean; now?: number; only?: string[] } = {},
): Promise<PartitionRun> {
  const db = ctx.stores.relational;
  const dryRun = opts.dryRun ?? false;
  const nowMs = opts.now ?? ctx.now();
  const id = crypto.randomUUID();
  const started = new Date(ctx.now());
  const lock = dryRun ? null : await ctx.stores.cache.acquireLock(LOCK, LOCK_TTL_MS);
  if (!dryRun && lock === null) throw conflict("a partition archive is already running");
  await db.query(
    `INSERT INTO partition_runs (id, kind, dry_run, state, started_at)
     VALUES ($1::uuid, 'archive', $2::boolean, 'running', $3::timestamptz)`,
    [id, dryRun, started],
  );
  let actions: PartitionAction[] = [];
  let error: string | null = null;
  try {
    actions = await plan(ctx, nowMs, opts.only);
    const refused = actions.filter((a) => a.action === "refuse");
    if (!dryRun && refused.length > 0) {
      throw unprocessable(
        `refused: ${refused.map((a) => `${a.partition} ${a.reason}`).join("; ")}`,
        refused.map((a) => ({ path: "partitions", message: `${a.partition}: ${a.reason}` })),
      );
    }
    if (!dryRun) {
      if (actions.length > 0) await ctx.stores.objects.ensureBucket(BACKUP_BUCKET);
      for (const a of actions) await archiveOne(ctx, a);
    }
    actions.push(...await expireArchives(ctx, nowMs, dryRun));
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    throw err;
  } finally {
    await db.query(
      `UPDATE partition_runs SET state = $2::text, finished_at = $3::timestamptz,
         actions = $4::jsonb, error = $5::text WHERE id = $1::uuid`,
      [id, error ? "failed" : "succeeded", new Date(ctx.now()), JSON.stringify(actions), error],
    ).catch((e) => ctx.log.error("partition run not recorded", { id, error: String(e) }));
    if (lock) await ctx.stores.cache.releaseLock(LOCK, lock).catch(() => {});
    if (error) ctx.log.warn("partition archive failed", { id, error });
  }
  return {
    id,
    kind: "archive",
    dry_run: dryRun,
    state: "succeeded",
    started_at: started.toISOString(),
    finished_at: new Date(ctx.now()).toISOString(),
    actions,
    error: null,
  };
}

/** The newest archive run that was not a dry run (for /ready and metrics). */
export async function lastPartitionRun(ctx: OpsContext): Promise<PartitionRun | null> {
  const r = await ctx.stores.relational.query<RunRow>(
    `SELECT id, kind, dry_run, state, started_at, finished_at, actions, error FROM partition_runs
     WHERE NOT dry_run ORDER BY started_at DESC LIMIT 1`,
  );
  return r.rows[0] ? toRun(r.rows[0]) : null;
}
