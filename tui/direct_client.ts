/**
 * The default OpsClient: calls the ops services of src/ops directly over stores opened from the
 * same environment as the API, and maps their results to the shapes the screens show. @module
 */
import type { OpsContext } from "../src/ops/mod.ts";
import {
  backupStatus,
  cacheStats,
  deleteCacheKeys,
  ensurePartitions,
  getCacheKey,
  listBackups,
  listPartitions,
  restoreBackup,
  scanCacheKeys,
  startBackup,
  storeHealth,
  verifyBackup,
} from "../src/ops/mod.ts";
import type { BackupRun, CacheStats } from "../src/ops/mod.ts";
import type {
  BackupDetail,
  BackupRow,
  CacheStatsView,
  ConsistencySource,
  OpsClient,
  StoreProgress,
} from "./ops_client.ts";
import { archivePartitions } from "../src/ops/mod.ts";

const ROLES = ["relational", "documents", "graph", "cache", "objects"] as const;

/** The ops services' cache stats (the API answers the same shape) as the Cache screen shows them. */
export function cacheStatsView(s: CacheStats, ratiosFrom: string | null): CacheStatsView {
  return {
    keys: s.keys,
    memory_bytes: s.memory_bytes,
    namespaces: s.namespaces.map((n) => ({
      namespace: n.namespace,
      hits: n.hits,
      misses: n.misses,
      ratio: n.hit_ratio,
    })),
    ratios_from: ratiosFrom,
  };
}

function progressOf(run: BackupRun): StoreProgress[] {
  return ROLES.map((store) => {
    const p = run.progress[store];
    return { store, done: p?.done ?? 0, total: p?.total ?? null, state: p?.state ?? "pending" };
  });
}

/** An OpsClient over `ctx`; `close` releases what the caller opened. */
export function directClient(
  ctx: OpsContext,
  opts: {
    target: string;
    consistency: ConsistencySource | null;
    close: () => Promise<void>;
    /** Base URL of a running API whose /metrics the Health screen reads. */
    apiUrl?: string | null;
    /**
     * Cache stats from elsewhere (the API's, whose read-through counters this process lacks);
     * by default the stores' own figures with no hit ratios.
     */
    cacheStats?: (() => Promise<CacheStatsView>) | null;
  },
): OpsClient {
  // Verify results of this session: the catalogue does not keep them.
  const verified = new Map<string, "ok" | "failed">();
  const row = (run: BackupRun): BackupRow => ({
    id: run.id,
    status: run.state,
    started_at: run.started_at,
    finished_at: run.finished_at,
    size_bytes: run.size_bytes,
    verified: verified.get(run.id) ?? null,
    error: run.error,
  });
  return {
    target: opts.target,
    consistency: opts.consistency,
    apiUrl: opts.apiUrl ?? null,
    apiMetrics: opts.apiUrl
      ? async () => {
        const res = await fetch(new URL("/metrics", opts.apiUrl!), {
          signal: AbortSignal.timeout(2000),
        });
        if (!res.ok) {
          await res.body?.cancel();
          throw new Error(`/metrics answered ${res.status}`);
        }
        return await res.text();
      }
      : null,
    async storeHealth() {
      return (await storeHealth(ctx)).map((h) => ({
        role: h.role,
        status: h.status,
        adapter: h.adapter,
        latency_ms: h.latency_ms,
        detail: h.detail,
      }));
    },
    async scanCacheKeys({ pattern, cursor, count }) {
      const page = await scanCacheKeys(ctx, { pattern, cursor, count });
      return {
        items: page.items.map((k) => ({
          key: k.key,
          type: k.secret ? `${k.type}*` : k.type,
          ttl_ms: k.ttl_ms,
          size_bytes: k.size_bytes,
        })),
        next_cursor: page.next_cursor,
      };
    },
    async getCacheKey(key) {
      const v = await getCacheKey(ctx, key);
      return {
        key: v.key,
        type: v.type,
        ttl_ms: v.ttl_ms,
        size_bytes: v.size_bytes,
        value: typeof v.value === "string" ? v.value : JSON.stringify(v.value, null, 2),
        redacted: v.redacted,
      };
    },
    async countCacheKeys(pattern) {
      return (await deleteCacheKeys(ctx, { pattern })).matched;
    },
    async deleteCacheKey(key) {
      return (await deleteCacheKeys(ctx, { key })).deleted;
    },
    async deleteCacheKeys(pattern) {
      const { matched } = await deleteCacheKeys(ctx, { pattern });
      return (await deleteCacheKeys(ctx, { pattern, confirmCount: matched })).deleted;
    },
    async cacheStats() {
      if (opts.cacheStats) return await opts.cacheStats();
      return cacheStatsView(await cacheStats(ctx), null);
    },
    listPartitions: () => listPartitions(ctx),
    async ensurePartitions(monthsAhead) {
      return (await ensurePartitions(ctx, monthsAhead)).created;
    },
    async archivePartitions({ dryRun }) {
      const run = await archivePartitions(ctx, { dryRun });
      if (run.state === "failed") throw new Error(run.error ?? "archive failed");
      return {
        dry_run: run.dry_run,
        partitions: run.actions.filter((a) => a.action !== "refuse").map((a) => ({
          name: `${a.partition}${a.action === "expire" ? " (expire archive)" : ""}`,
          rows: a.rows,
        })),
        refused: run.actions.filter((a) => a.action === "refuse").map((a) => ({
          name: a.partition,
          reason: a.reason ?? "inside the retention window",
        })),
      };
    },
    async listBackups() {
      return (await listBackups(ctx)).map(row);
    },
    async startBackup() {
      return { id: await startBackup(ctx, { actor: null }) };
    },
    async backupStatus(id): Promise<BackupDetail> {
      const run = await backupStatus(ctx, id);
      return { ...row(run), progress: progressOf(run) };
    },
    async verifyBackup(id) {
      try {
        const r = await verifyBackup(ctx, id);
        verified.set(id, r.ok ? "ok" : "failed");
        const problems = r.parts.filter((p) => !p.ok).map((p) =>
          `${p.path}: ${p.reason ?? "checksum or count differs"}`
        );
        if (!r.manifest_ok) problems.unshift("manifest.json: checksum differs");
        return { ok: r.ok, problems };
      } catch (err) {
        verified.set(id, "failed");
        throw err;
      }
    },
    async restoreBackup(id, { force, confirmId }) {
      const r = await restoreBackup(ctx, id, { force, confirmId });
      const counts = ROLES.map((s) => `${s} ${r.restored[s] ?? 0}`).join(", ");
      return { ok: r.proof.ok, detail: `${r.proof.ok ? "proof ok" : "PROOF FAILED"}: ${counts}` };
    },
    close: opts.close,
  };
}
