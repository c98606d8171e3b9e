/**
 * The last backup run and the last partition run, for /ready's detail (bounded: a slow or down
 * store gives nulls rather than a slow probe).
 *
 * @module
 */
import { withTimeout } from "../stores/resilience.ts";
import { listRuns } from "./backup/catalogue.ts";
import { lastPartitionRun } from "./partitions.ts";
import type { OpsContext } from "./types.ts";

export interface JobStatus {
  state: string;
  started_at: string;
  finished_at: string | null;
  error: string | null;
}

const pick = (r: JobStatus | null | undefined): JobStatus | null =>
  r
    ? { state: r.state, started_at: r.started_at, finished_at: r.finished_at, error: r.error }
    : null;

export async function lastJobs(
  ctx: OpsContext,
): Promise<{ backup: JobStatus | null; partitions: JobStatus | null }> {
  const limit = Math.min(ctx.config.storeTimeoutMs, 3000);
  const [backup, partitions] = await Promise.all([
    withTimeout("relational", limit, listRuns(ctx.stores.relational, 1), "last backup")
      .then((r) => pick(r[0])).catch(() => null),
    withTimeout("relational", limit, lastPartitionRun(ctx), "last partition run")
      .then(pick).catch(() => null),
  ]);
  return { backup, partitions };
}
