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
import { ReadThroughCache } from "../../caching/read_through.ts";
import { allGrantsInvalidation } from "../../auth/mod.ts";
import { AppError, conflict, serviceUnavailable } from "../../errors.ts";
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
 * progress on any instance fails with a 409 conflict, and a call on a stopping instance with a
 * 503. `wait` resolves only when the run ended.
 */
export async function startBackup(
  ctx: OpsContext,
  opts: { actor?: string | null; wait?: boolean } = {},
): Promise<string> {
  if (ctx.backups?.signal.aborted) {
    throw serviceUnavailable("this instance is shutting down; start the backup on another");
  }
  // Tracked from here, not from the run: a stop that lands while the row is being inserted
  // must still wait for the run to record how it ended.
  const settled = Promise.withResolvers<void>();
  ctx.backups?.track(settled.promise);
  let work: Promise<unknown> | undefined;
  try {
    const db = ctx.stores.relational;
    const startedMs = ctx.now();
    await failAbandoned(db, startedMs);
    const id = crypto.randomUUID();
    const prefix = runPrefix(startedMs);
    await insertRun(db, { id, prefix, startedMs, actor: opts.actor ?? null });
    work = runBackup(ctx, { id, prefix, startedMs });
    if (opts.wait) await work;
    return id;
  } finally {
    const release = () => settled.resolve();
    if (work) void work.then(release, release);
    else release();
  }
}

/** One run with per-store progress (404 when unknown). */
export async function backupStatus(ctx: OpsContext, id: string): Promise<BackupRun> {
  return await getRun(ctx.stores.relational, id);
}

/** Recomputes every part's checksum and count against the manifest. */
export async function verifyBackup(ctx: OpsContext, id: string): Promise<VerifyReport> {
  return await unlessUnfinished(ctx, id, async () => {
    const prefix = await locateBackup(ctx.stores.objects, id);
    return await verifyManifest(
      ctx.stores.objects,
      prefix,
      await readManifest(ctx.stores.objects, prefix),
    );
  });
}

/**
 * A backup this deployment is still writing, or failed to write, has no index yet: that is a 409
 * naming its state, not a 404 for an id the caller has just been given.
 */
async function unlessUnfinished<T>(ctx: OpsContext, id: string, work: () => Promise<T>) {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof AppError) || err.status !== 404) throw err;
    const run = await getRun(ctx.stores.relational, id).catch(() => null);
    if (run?.state === "running") {
      throw conflict(`backup ${id} is still running; use it once it has succeeded`);
    }
    if (run?.state === "failed") {
      throw conflict(`backup ${id} failed${run.error ? ` (${run.error})` : ""}; it cannot be used`);
    }
    throw err;
  }
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
  try {
    if (opts.source !== undefined) return await restoreFromBackup(ctx, id, opts);
    return await unlessUnfinished(ctx, id, () => restoreFromBackup(ctx, id, opts));
  } finally {
    // Every cached read (list pages, dashboard summaries, insight statistics, ...) and grant
    // describes the data as it was (a failed restore may have rewritten some): hide them all on
    // every instance. An outage leaves the invalidation owed.
    const cached = ctx.cached ?? new ReadThroughCache(ctx.stores.cache, ctx.log);
    const { namespace, channel, message } = allGrantsInvalidation();
    await cached.invalidate(namespace);
    await ctx.stores.cache.publish(channel, message).catch((err) =>
      ctx.log.warn("grants memos not emptied after the restore", { error: String(err) })
    );
  }
}
