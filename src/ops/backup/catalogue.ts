/**
 * The backup catalogue (table backup_runs): one row per run with its progress, written as the run
 * goes so any instance (and the TUI) can follow it. The unique index on running rows is the
 * cross-instance lock: a second start while one runs fails to insert.
 *
 * @module
 */
import { conflict, notFound } from "../../errors.ts";
import { isStoreError } from "../../stores/errors.ts";
import type { Queryable } from "../../stores/relational/port.ts";
import type { BackupRun, BackupState, StoreProgress, StoreRole } from "../types.ts";

export const ROLES: readonly StoreRole[] = ["relational", "documents", "graph", "cache", "objects"];

/** A running row whose heartbeat is older than this was left by a dead instance. */
export const STALE_AFTER_MS = 10 * 60 * 1000;

type RunRow = {
  id: string;
  state: BackupState;
  prefix: string;
  started_at: Date;
  finished_at: Date | null;
  size_bytes: number | string;
  progress: Partial<Record<StoreRole, StoreProgress>> | string;
  manifest_sha256: string | null;
  error: string | null;
};

export function emptyProgress(): Record<StoreRole, StoreProgress> {
  return Object.fromEntries(
    ROLES.map((r) => [r, { state: "pending", done: 0, total: null }]),
  ) as Record<StoreRole, StoreProgress>;
}

function toRun(row: RunRow): BackupRun {
  const stored = typeof row.progress === "string" ? JSON.parse(row.progress) : row.progress;
  return {
    id: row.id,
    state: row.state,
    prefix: row.prefix,
    started_at: new Date(row.started_at).toISOString(),
    finished_at: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    size_bytes: Number(row.size_bytes),
    progress: { ...emptyProgress(), ...stored },
    manifest_sha256: row.manifest_sha256,
    error: row.error,
  };
}

const COLUMNS =
  "id, state, prefix, started_at, finished_at, size_bytes, progress, manifest_sha256, error";

/** Marks running rows with a stale heartbeat failed, so a dead instance cannot block backups. */
export async function failAbandoned(db: Queryable, nowMs: number): Promise<void> {
  await db.query(
    `UPDATE backup_runs SET state = 'failed', finished_at = $1::timestamptz,
       error = 'abandoned: the instance running it stopped reporting'
     WHERE state = 'running' AND heartbeat_at < $2::timestamptz`,
    [new Date(nowMs), new Date(nowMs - STALE_AFTER_MS)],
  );
}

/** Inserts a running row; a run already in progress anywhere gives a 409 conflict. */
export async function insertRun(
  db: Queryable,
  run: { id: string; prefix: string; startedMs: number; actor: string | null },
): Promise<void> {
  try {
    await db.query(
      `INSERT INTO backup_runs (id, state, prefix, started_at, progress, created_by, heartbeat_at)
       VALUES ($1::uuid, 'running', $2::text, $3::timestamptz, $4::jsonb, $5::uuid, now())`,
      [run.id, run.prefix, new Date(run.startedMs), JSON.stringify(emptyProgress()), run.actor],
    );
  } catch (err) {
    if (isStoreError(err, "conflict")) {
      const running = await db.query<{ id: string }>(
        "SELECT id FROM backup_runs WHERE state = 'running' LIMIT 1",
      );
      throw conflict(
        `a backup is already running${running.rows[0] ? ` (${running.rows[0].id})` : ""}`,
      );
    }
    throw err;
  }
}

/** Writes progress and size (and the heartbeat). */
export async function saveProgress(
  db: Queryable,
  id: string,
  progress: Record<StoreRole, StoreProgress>,
  sizeBytes: number,
): Promise<void> {
  await db.query(
    `UPDATE backup_runs SET progress = $2::jsonb, size_bytes = $3::bigint, heartbeat_at = now()
     WHERE id = $1::uuid AND state = 'running'`,
    [id, JSON.stringify(progress), sizeBytes],
  );
}

/** Closes a run as succeeded or failed. */
export async function finishRun(
  db: Queryable,
  id: string,
  outcome: {
    state: "succeeded" | "failed";
    finishedMs: number;
    progress: Record<StoreRole, StoreProgress>;
    sizeBytes: number;
    manifestSha256?: string;
    error?: string;
  },
): Promise<void> {
  await db.query(
    `UPDATE backup_runs SET state = $2::text, finished_at = $3::timestamptz, progress = $4::jsonb,
       size_bytes = $5::bigint, manifest_sha256 = $6::text, error = $7::text, heartbeat_at = now()
     WHERE id = $1::uuid`,
    [
      id,
      outcome.state,
      new Date(outcome.finishedMs),
      JSON.stringify(outcome.progress),
      outcome.sizeBytes,
      outcome.manifestSha256 ?? null,
      outcome.error ?? null,
    ],
  );
}

export async function getRun(db: Queryable, id: string): Promise<BackupRun> {
  const r = await db.query<RunRow>(
    `SELECT ${COLUMNS} FROM backup_runs WHERE id = $1::uuid`,
    [id],
  );
  if (r.rows.length === 0) throw notFound(`no backup ${id}`);
  return toRun(r.rows[0]);
}

export async function listRuns(db: Queryable, limit: number): Promise<BackupRun[]> {
  const r = await db.query<RunRow>(
    `SELECT ${COLUMNS} FROM backup_runs ORDER BY started_at DESC, id LIMIT $1::int`,
    [limit],
  );
  return r.rows.map(toRun);
}

/** The newest succeeded run, for the "last backup age" gauge. */
export async function lastSucceeded(db: Queryable): Promise<BackupRun | null> {
  const r = await db.query<RunRow>(
    `SELECT ${COLUMNS} FROM backup_runs WHERE state = 'succeeded'
     ORDER BY finished_at DESC LIMIT 1`,
  );
  return r.rows[0] ? toRun(r.rows[0]) : null;
}
