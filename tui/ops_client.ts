/**
 * The one interface the TUI screens consume: what an operator can see and do. Screens never touch
 * stores or ops services themselves, so tests drive them with in-test clients. @module
 */
import type { ConsistencyReport, RepairResult } from "../src/insights/mod.ts";

/** One store's live status, as the Health screen shows it. */
export interface StoreStatus {
  readonly role: string;
  readonly status: "ok" | "down";
  readonly adapter: string;
  readonly latency_ms: number;
  readonly detail?: string;
}

/** One cache key in a listing. `ttl_ms` is -1 for no expiry. */
export interface CacheKeyRow {
  readonly key: string;
  readonly type: string;
  readonly ttl_ms: number | null;
  readonly size_bytes: number | null;
}

export interface CacheKeyPage {
  readonly items: readonly CacheKeyRow[];
  /** Null when the scan is complete. */
  readonly next_cursor: string | null;
}

/** A key's value with secrets already redacted. */
export interface CacheValue extends CacheKeyRow {
  readonly value: string;
  readonly redacted: boolean;
}

export interface NamespaceRatio {
  readonly namespace: string;
  readonly hits: number;
  readonly misses: number;
  /** hits / (hits + misses), null when nothing was read. */
  readonly ratio: number | null;
}

export interface CacheStatsView {
  readonly keys: number | null;
  readonly memory_bytes: number | null;
  readonly namespaces: readonly NamespaceRatio[];
  /**
   * Whose read-through counters `namespaces` holds: the API's URL, or null for this process,
   * which reads nothing through the cache (so it has none).
   */
  readonly ratios_from: string | null;
}

export interface PartitionRow {
  readonly table: string;
  readonly name: string;
  /** Range start and end (ISO dates); null for the default partition. */
  readonly from: string | null;
  readonly to: string | null;
  readonly rows: number;
  readonly size_bytes: number;
  readonly is_default: boolean;
}

/** What an archive run did or, on a dry run, would do. */
export interface ArchivePlan {
  readonly dry_run: boolean;
  readonly partitions: readonly { readonly name: string; readonly rows: number }[];
  /** Partitions left alone and why (e.g. rows inside the retention window). */
  readonly refused: readonly { readonly name: string; readonly reason: string }[];
}

export interface StoreProgress {
  readonly store: string;
  readonly done: number;
  readonly total: number | null;
  readonly state: "pending" | "running" | "done" | "failed";
}

export interface BackupRow {
  readonly id: string;
  readonly status: "running" | "succeeded" | "failed";
  readonly started_at: string;
  readonly finished_at: string | null;
  readonly size_bytes: number | null;
  /** null when never verified. */
  readonly verified: "ok" | "failed" | null;
  readonly error: string | null;
}

export interface BackupDetail extends BackupRow {
  readonly progress: readonly StoreProgress[];
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly problems: readonly string[];
}

export interface RestoreResult {
  readonly ok: boolean;
  readonly detail: string;
}

/** The insights consistency report and repair outcome, as the service and the API give them. */
export type { ConsistencyReport, RepairResult } from "../src/insights/mod.ts";

/** Every operation the TUI performs. A method may reject; screens show the reason. */
export interface OpsClient {
  /** Where the client is connected, for the title bar (e.g. "embedded ./data"). */
  readonly target: string;
  storeHealth(): Promise<readonly StoreStatus[]>;

  scanCacheKeys(
    q: { pattern: string; cursor: string | null; count: number },
  ): Promise<CacheKeyPage>;
  getCacheKey(key: string): Promise<CacheValue | null>;
  /** How many keys a pattern delete would remove (shown in the confirm). */
  countCacheKeys(pattern: string): Promise<number>;
  deleteCacheKey(key: string): Promise<number>;
  deleteCacheKeys(pattern: string): Promise<number>;
  cacheStats(): Promise<CacheStatsView>;

  listPartitions(): Promise<readonly PartitionRow[]>;
  ensurePartitions(monthsAhead: number): Promise<readonly string[]>;
  archivePartitions(opts: { dryRun: boolean }): Promise<ArchivePlan>;

  listBackups(): Promise<readonly BackupRow[]>;
  startBackup(): Promise<{ id: string }>;
  backupStatus(id: string): Promise<BackupDetail>;
  verifyBackup(id: string): Promise<VerifyResult>;
  restoreBackup(id: string, opts: { force: boolean; confirmId: string }): Promise<RestoreResult>;

  /** The API's Prometheus text (`--api URL`), null when no API is named. */
  readonly apiMetrics: (() => Promise<string>) | null;
  /** Where apiMetrics reads from, for the Health screen. */
  readonly apiUrl: string | null;

  /** Null when the consistency service is not installed in this build. */
  readonly consistency: ConsistencySource | null;

  close(): Promise<void>;
}

/** The consistency functions, injected (see tui/consistency_source.ts). */
export interface ConsistencySource {
  report(): Promise<ConsistencyReport>;
  repair(): Promise<RepairResult>;
}
