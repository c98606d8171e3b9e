/**
 * Backup service entry points: list, start (one run at a time across instances), status, verify
 * and restore. The work itself is in the sibling modules.
 *
 * @module
 */
import type {
  BackupRun,
  OpsContext,
  RestoreOptions,
  RestoreReport,
  VerifyReport,
} from "../types.ts";
import { failAbandoned, getRun, insertRun, listRuns } from "./catalogue.ts";
import { restoreFromBackup } from "./restore.ts";
import { runBackup, runPrefix } from "./run.ts";
import { locateBackup, readManifest, verifyManifest } from "./verify.ts";

/** Backup runs, newest first. */
export async function listBackups(
  ctx: OpsContext,
  opts: { limit?: number } = {},
): Promise<BackupRun[]> {
  return await listRuns(ctx.stores.relational, Math.min(Math.max(opts.limit ?? 50, 1), 200));
}

/**
 * Starts a backup run in the background and returns its id. A second call while a run is in
 * progress on any instance fails with a 409 conflict. `wait` resolves only when the run ended.
 */
export async function startBackup(
  ctx: OpsContext,
  opts: { actor?: string | null; wait?: boolean } = {},
): Promise<string> {
  const db = ctx.stores.relational;
  const startedMs = ctx.now();
  await failAbandoned(db, startedMs);
  const id = crypto.randomUUID();
  const prefix = runPrefix(startedMs);
  await insertRun(db, { id, prefix, startedMs, actor: opts.actor ?? null });
  const work = runBackup(ctx, { id, prefix, startedMs });
  if (opts.wait) await work;
  return id;
}

/** One run with per-store progress (404 when unknown). */
export async function backupStatus(ctx: OpsContext, id: string): Promise<BackupRun> {
  return await getRun(ctx.stores.relational, id);
}

/** Recomputes every part's checksum and count against the manifest. */
export async function verifyBackup(ctx: OpsContext, id: string): Promise<VerifyReport> {
  const prefix = await locateBackup(ctx.stores.objects, id);
  return await verifyManifest(
    ctx.stores.objects,
    prefix,
    await readManifest(ctx.stores.objects, prefix),
  );
}

/**
 * Restores a backup into this (empty) deployment, then proves it: counts and content digests
 * per store equal the manifest, and the cross-store invariants hold.
 */
export async function restoreBackup(
  ctx: OpsContext,
  id: string,
  opts: RestoreOptions = {},
): Promise<RestoreReport> {
  return await restoreFromBackup(ctx, id, opts);
}
