/**
 * The ops domain: backups, restore, partitions, cache inspection and store health as plain
 * services over an OpsContext (for the admin API, the CLI and the TUI alike), plus its routes.
 *
 * @module
 */
export type * from "./types.ts";
export { opsContextFromDeps } from "./context.ts";
export {
  backupStatus,
  listBackups,
  restoreBackup,
  startBackup,
  verifyBackup,
} from "./backup/service.ts";
export {
  archivePartitions,
  ensurePartitions,
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
