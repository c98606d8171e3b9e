/**
 * Partition upkeep for operators: list monthly partitions, make months ahead, and archive old
 * months by retention (compressed NDJSON to the bucket, verified, then detached and dropped).
 *
 * @module
 */
import { serviceUnavailable } from "../errors.ts";
import type { OpsContext, PartitionInfo, PartitionRetention, PartitionRun } from "./types.ts";

/** Seed 004 section 9: months kept hot in the database, and cold in the archive. */
export const RETENTION: readonly PartitionRetention[] = [
  { table: "agent_logs", hotMonths: 3, coldMonths: 12 },
  { table: "audit_logs", hotMonths: 6, coldMonths: 36 },
];

/** Every partition of the partitioned tables with its range, rows and size. */
export function listPartitions(_ctx: OpsContext): Promise<PartitionInfo[]> {
  return Promise.reject(serviceUnavailable("not available yet"));
}

/** Makes the current month's partition and `monthsAhead` more (default 6); returns new names. */
export function ensurePartitions(
  _ctx: OpsContext,
  _monthsAhead = 6,
): Promise<{ created: string[] }> {
  return Promise.reject(serviceUnavailable("not available yet"));
}

/**
 * Archives partitions older than the hot retention (dry run: only lists them, and refuses any
 * holding rows inside the window). `now` overrides the context clock.
 */
export function archivePartitions(
  _ctx: OpsContext,
  _opts: { dryRun?: boolean; now?: number; only?: string[] } = {},
): Promise<PartitionRun> {
  return Promise.reject(serviceUnavailable("not available yet"));
}

/** Partition runs, newest first. */
export function listPartitionRuns(
  _ctx: OpsContext,
  _opts: { limit?: number } = {},
): Promise<PartitionRun[]> {
  return Promise.reject(serviceUnavailable("not available yet"));
}
