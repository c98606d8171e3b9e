/**
 * The ops domain: backups, restore, partitions, cache inspection and store health as plain
 * services over an OpsContext (for the admin API, the CLI and the TUI alike), plus its routes.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { opsContextFromDeps } from "./context.ts";
import { OPS_PERMISSIONS, opsRoutes } from "./routes.ts";
import { startOpsSchedule } from "./schedule.ts";

export type * from "./types.ts";
export { opsContextFromDeps } from "./context.ts";
export {
  backupStatus,
  listBackups,
  restoreBackup,
  startBackup,
  verifyBackup,
} from "./backup/service.ts";
export { type Invariant, PROOF_INVARIANTS, proveRestore } from "./backup/proof.ts";
export {
  archivePartitions,
  ensurePartitions,
  lastPartitionRun,
  listPartitionRuns,
  listPartitions,
  RETENTION,
} from "./partitions.ts";
export {
  cacheStats,
  deleteCacheKeys,
  getCacheKey,
  isSecretKey,
  scanCacheKeys,
} from "./cache_inspect.ts";
export { storeHealth } from "./health.ts";
export { lastJobs } from "./jobs_status.ts";
export { startPartitionUpkeep } from "./partition_upkeep.ts";

export const opsDomain: Domain = {
  name: "ops",
  mount: "/api/v1",
  permissions: OPS_PERMISSIONS,
  routes: opsRoutes,
  jobs(deps) {
    const stopSchedule = startOpsSchedule(opsContextFromDeps(deps), {
      backup: deps.config.ops.backupAt,
      partitions: deps.config.ops.partitionsAt,
    });
    return Promise.resolve(async () => {
      // The schedule's timer first (a tick must not start a run now), then every running backup
      // interrupted, which also ends the schedule's own wait for one.
      const scheduleStopped = stopSchedule();
      await deps.backups.stop();
      await scheduleStopped;
    });
  },
};
