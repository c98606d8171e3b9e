/**
 * The ops services' shared vocabulary: the context they run in and every result shape the admin
 * API, the CLI and the TUI read. Kept stable: the TUI builds on these types.
 *
 * @module
 */
import type { ReadThroughCache } from "../caching/read_through.ts";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type { StoreHealth } from "../stores/health.ts";
import type { ObjectStore } from "../stores/objects/port.ts";
import type { Stores } from "../stores/types.ts";
import type { BackupsInFlight } from "./backup/in_flight.ts";

/** What every ops service needs, passed in (never the HTTP Deps, so scripts and the TUI can call). */
export interface OpsContext {
  stores: Stores;
  config: Config;
  log: Logger;
  /** Milliseconds since the epoch; injected so tests can move time. */
  now: () => number;
  /** The process's running backups, interrupted when it stops (the API, the CLI, the TUI). */
  backups?: BackupsInFlight;
  /** The API's read-through cache, whose in-process copies a restore must drop at once. */
  cached?: ReadThroughCache;
}

/** The five store roles, in backup order. */
export type StoreRole = "relational" | "documents" | "graph" | "cache" | "objects";

// ---------------------------------------------------------------------------------------------
// Backups

export type BackupState = "running" | "succeeded" | "failed";
export type PartState = "pending" | "running" | "done" | "failed";

/** One store's progress inside a run: items done of total (total null while unknown). */
export interface StoreProgress {
  state: PartState;
  done: number;
  total: number | null;
  /** The reason a failed part failed. */
  error?: string;
}

/** A backup run as the catalogue holds it (list, status, and the event stream). */
export interface BackupRun {
  id: string;
  state: BackupState;
  /** Key prefix in the `backups` bucket: `backups/{timestamp}/`. */
  prefix: string;
  started_at: string;
  finished_at: string | null;
  /** Bytes written so far (all parts and the manifest). */
  size_bytes: number;
  progress: Record<StoreRole, StoreProgress>;
  /** SHA-256 of manifest.json once written. */
  manifest_sha256: string | null;
  error: string | null;
}

/** One file of a backup, as the manifest lists it. */
export interface ManifestPart {
  store: StoreRole;
  /** Table, collection, "graph", "cache" or bucket this part holds. */
  name: string;
  /** Key relative to the run's prefix. */
  path: string;
  /** Items (rows, documents, nodes+edges, keys, objects) in the part. */
  count: number;
  size_bytes: number;
  /** SHA-256 (hex) of the part's bytes as stored. */
  sha256: string;
  /**
   * Order-independent digest of the part's items in canonical form (hex); equal across adapters
   * for equal data, so a restore on another profile can be proven equal.
   */
  content_digest: string;
}

export interface Manifest {
  format: "polystore-backup/1";
  id: string;
  started_at: string;
  finished_at: string;
  /** Highest applied migration version at dump time. */
  schema_version: number;
  /** Adapters the backup was taken from. */
  adapters: Record<StoreRole, string>;
  stores: Record<StoreRole, { count: number; size_bytes: number; parts: number; note?: string }>;
  parts: ManifestPart[];
  /** Outbox positions (table -> highest id or row count) when outbox tables exist. */
  outbox: Record<string, number>;
  /** SHA-256 of this manifest serialised with `manifest_sha256` set to "". */
  manifest_sha256: string;
}

export interface VerifyPartResult {
  path: string;
  store: StoreRole;
  ok: boolean;
  expected_sha256: string;
  actual_sha256: string | null;
  expected_count: number;
  actual_count: number | null;
  reason?: string;
}

export interface VerifyReport {
  id: string;
  ok: boolean;
  manifest_ok: boolean;
  parts: VerifyPartResult[];
  /** Paths of the parts that failed, for one-line messages. */
  failed: string[];
}

export interface RestoreOptions {
  /** Restore over a non-empty deployment (then `confirmId` must equal the backup id). */
  force?: boolean;
  confirmId?: string;
  /** Where the backup lives; defaults to the target's own object store. */
  source?: ObjectStore;
}

/** One cross-store check of a restored deployment; skipped when its table/collection is absent. */
export interface InvariantResult {
  name: string;
  ok: boolean;
  skipped: boolean;
  detail?: string;
}

export interface StoreProof {
  store: StoreRole;
  ok: boolean;
  expected_count: number;
  actual_count: number;
  /** Parts whose count or content digest differ. */
  mismatched: string[];
}

export interface ProofReport {
  ok: boolean;
  stores: StoreProof[];
  invariants: InvariantResult[];
}

export interface RestoreReport {
  id: string;
  restored: Record<StoreRole, number>;
  proof: ProofReport;
}

// ---------------------------------------------------------------------------------------------
// Partitions

export interface PartitionInfo {
  table: string;
  name: string;
  /** Range start (inclusive) and end (exclusive), ISO; null for the default partition. */
  from: string | null;
  to: string | null;
  is_default: boolean;
  rows: number;
  size_bytes: number;
}

export interface PartitionRetention {
  table: string;
  /** Months kept as partitions in the database. */
  hotMonths: number;
  /** Months the archived file is kept in the bucket. */
  coldMonths: number;
}

export interface PartitionAction {
  table: string;
  partition: string;
  from: string;
  to: string;
  rows: number;
  /** archive: moved to the bucket and dropped (or would be, on a dry run); refuse: holds rows
   * inside the retention window; expire: an archived file past cold retention removed. */
  action: "archive" | "refuse" | "expire";
  reason?: string;
  object_key?: string;
  sha256?: string;
}

export interface PartitionRun {
  id: string;
  kind: "archive" | "ensure";
  dry_run: boolean;
  started_at: string;
  finished_at: string | null;
  state: "running" | "succeeded" | "failed";
  actions: PartitionAction[];
  error: string | null;
}

// ---------------------------------------------------------------------------------------------
// Cache

export interface CacheKeyInfo {
  key: string;
  /** Every value the cache port holds is a string (counters included). */
  type: "string";
  /** Milliseconds to live; -1 when the key has no expiry; null when it vanished. */
  ttl_ms: number | null;
  size_bytes: number | null;
  /** True for keys whose values are never shown (refresh, session, token material). */
  secret: boolean;
}

export interface CacheKeyValue extends CacheKeyInfo {
  /** The value (parsed when JSON); "[redacted]" for secret keys or secret fields. */
  value: unknown;
  redacted: boolean;
}

export interface CacheScanResult {
  items: CacheKeyInfo[];
  next_cursor: string | null;
}

export type CacheDeleteRequest =
  | { key: string }
  | { pattern: string; confirmCount?: number };

export interface CacheDeleteResult {
  matched: number;
  deleted: number;
  /** True when only counted (a pattern without confirmCount). */
  dry_run: boolean;
}

export interface NamespaceStats {
  namespace: string;
  hits: number;
  misses: number;
  hit_ratio: number | null;
}

export interface CacheStats {
  adapter: string;
  keys: number;
  memory_bytes: number;
  /** Cache operations per second made by this process over the last minute, when instrumented. */
  ops_per_sec: number | null;
  namespaces: NamespaceStats[];
}

/** Where hit ratios come from: the read-through cache's counters (optional). */
export interface HitCounterSource {
  hitStats(): Record<string, { hits: number; misses: number }>;
}

// ---------------------------------------------------------------------------------------------
// Health

export interface PoolUse {
  total: number;
  idle: number;
  waiting: number;
}

export interface StoreHealthDetail extends StoreHealth {
  role: StoreRole;
  up: boolean;
  version: string | null;
  pool: PoolUse | null;
}
