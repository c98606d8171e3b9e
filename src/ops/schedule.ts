/**
 * The ops domain's background jobs: a daily backup and a daily partition upkeep (ensure months
 * ahead, archive by retention) at configured UTC times. Safe with several instances: the backup
 * catalogue lets one run at a time, the archive holds a cache lock, and both skip when today's
 * run already happened.
 *
 * @module
 */
import { isStoreError } from "../stores/errors.ts";
import { AppError } from "../errors.ts";
import { lastSucceeded } from "./backup/catalogue.ts";
import { startBackup } from "./backup/service.ts";
import { archivePartitions, ensurePartitions, lastPartitionRun } from "./partitions.ts";
import type { OpsContext } from "./types.ts";

/** "HH:MM" (UTC) or null for off. */
export type DailyAt = { hour: number; minute: number } | null;

/** Today's scheduled instant at or before `nowMs`, or null when not yet reached today. */
export function dueSince(at: DailyAt, nowMs: number): number | null {
  if (!at) return null;
  const d = new Date(nowMs);
  const t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), at.hour, at.minute);
  return nowMs >= t ? t : null;
}

/** Starts the schedule; returns its stop. Checks once a minute. */
export function startOpsSchedule(
  ctx: OpsContext,
  times: { backup: DailyAt; partitions: DailyAt },
  everyMs = 60_000,
): () => Promise<void> {
  let busy: Promise<void> = Promise.resolve();
  const tick = async () => {
    if (ctx.backups?.signal.aborted) return;
    const now = ctx.now();
    try {
      const backupDue = dueSince(times.backup, now);
      if (backupDue !== null) {
        const last = await lastSucceeded(ctx.stores.relational);
        if (!last || Date.parse(last.started_at) < backupDue) {
          await startBackup(ctx, { wait: true });
        }
      }
    } catch (err) {
      if (!(err instanceof AppError && err.status === 409)) {
        ctx.log.warn("scheduled backup failed to start", { error: String(err) });
      }
    }
    try {
      const partitionsDue = dueSince(times.partitions, now);
      if (partitionsDue !== null) {
        const last = await lastPartitionRun(ctx);
        if (!last || Date.parse(last.started_at) < partitionsDue) {
          await ensurePartitions(ctx, 6);
          await archivePartitions(ctx, { dryRun: false });
        }
      }
    } catch (err) {
      if (!(err instanceof AppError && err.status === 409) && !isStoreError(err, "conflict")) {
        ctx.log.warn("scheduled partition upkeep failed", { error: String(err) });
      }
    }
  };
  const timer = setInterval(() => {
    busy = busy.then(tick);
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await busy;
  };
}
