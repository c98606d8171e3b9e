/**
 * An in-memory OpsClient for screen tests: stores whose health the test flips, a cache of keys,
 * partitions and backups whose progress advances a step per status call. @module
 */
import type {
  ArchivePlan,
  BackupDetail,
  BackupRow,
  CacheKeyRow,
  CacheStatsView,
  CacheValue,
  ConsistencySource,
  NamespaceRatio,
  OpsClient,
  PartitionRow,
  StoreStatus,
} from "../../tui/ops_client.ts";
import { globToRegExp } from "../../src/stores/cache/glob.ts";

export interface FakeState {
  health: StoreStatus[];
  cache: Map<string, { type: string; ttl_ms: number; value: string }>;
  partitions: PartitionRow[];
  backups: BackupDetail[];
  calls: string[];
  /** Next backup step fails with this reason. */
  failBackup: string | null;
  consistency: ConsistencySource | null;
  metrics: (() => Promise<string>) | null;
  /** What cacheStats reports as the API's read-through counters (none: this process's). */
  namespaces: NamespaceRatio[];
}

export const ROLES = ["relational", "documents", "graph", "cache", "objects"];

export function fakeState(): FakeState {
  return {
    health: ROLES.map((role, i) => ({
      role,
      status: "ok",
      adapter: ["pglite", "postgres-jsonb", "postgres-graph", "memory", "folder"][i],
      latency_ms: 1 + i,
    })),
    cache: new Map(),
    partitions: [],
    backups: [],
    calls: [],
    failBackup: null,
    consistency: null,
    metrics: null,
    namespaces: [{ namespace: "perms", hits: 9, misses: 1, ratio: 0.9 }],
  };
}

export function fakeClient(state: FakeState): OpsClient {
  const rows = (pattern: string): CacheKeyRow[] => {
    const re = globToRegExp(pattern);
    return [...state.cache.entries()].filter(([k]) => re.test(k)).sort(([a], [b]) => a < b ? -1 : 1)
      .map(([key, v]) => ({ key, type: v.type, ttl_ms: v.ttl_ms, size_bytes: v.value.length }));
  };
  const row = (b: BackupDetail): BackupRow => {
    const { progress: _progress, ...rest } = b;
    return rest;
  };
  return {
    target: "fake",
    get consistency() {
      return state.consistency;
    },
    get apiMetrics() {
      return state.metrics;
    },
    get apiUrl() {
      return state.metrics ? "http://api.test" : null;
    },
    storeHealth: () => {
      state.calls.push("health");
      return Promise.resolve(state.health.map((h) => ({ ...h })));
    },
    scanCacheKeys({ pattern, cursor, count }) {
      state.calls.push(`scan ${pattern} ${cursor}`);
      const all = rows(pattern);
      const from = cursor === null ? 0 : Number(cursor);
      const next = from + count < all.length ? String(from + count) : null;
      return Promise.resolve({ items: all.slice(from, from + count), next_cursor: next });
    },
    getCacheKey(key) {
      const v = state.cache.get(key);
      if (!v) return Promise.resolve(null);
      const secret = key.startsWith("session:") || key.startsWith("refresh:");
      const out: CacheValue = {
        key,
        type: v.type,
        ttl_ms: v.ttl_ms,
        size_bytes: v.value.length,
        value: secret ? "[redacted]" : v.value,
        redacted: secret,
      };
      return Promise.resolve(out);
    },
    countCacheKeys: (pattern) => Promise.resolve(rows(pattern).length),
    deleteCacheKey(key) {
      state.calls.push(`del ${key}`);
      return Promise.resolve(state.cache.delete(key) ? 1 : 0);
    },
    deleteCacheKeys(pattern) {
      state.calls.push(`del-pattern ${pattern}`);
      const keys = rows(pattern).map((r) => r.key);
      for (const k of keys) state.cache.delete(k);
      return Promise.resolve(keys.length);
    },
    cacheStats(): Promise<CacheStatsView> {
      return Promise.resolve({
        keys: state.cache.size,
        memory_bytes: 2048,
        namespaces: state.namespaces,
        ratios_from: state.namespaces.length > 0 ? "http://api.test" : null,
      });
    },
    listPartitions: () => Promise.resolve(state.partitions.map((p) => ({ ...p }))),
    ensurePartitions(months) {
      state.calls.push(`ensure ${months}`);
      return Promise.resolve([`agent_logs_new_${months}`]);
    },
    archivePartitions({ dryRun }): Promise<ArchivePlan> {
      state.calls.push(`archive dry=${dryRun}`);
      const old = state.partitions.filter((p) => p.name.includes("2024"));
      if (!dryRun) state.partitions = state.partitions.filter((p) => !old.includes(p));
      return Promise.resolve({
        dry_run: dryRun,
        partitions: old.map((p) => ({ name: p.name, rows: p.rows })),
        refused: [{ name: "agent_logs_2026_11", reason: "inside retention window" }],
      });
    },
    listBackups: () => Promise.resolve(state.backups.map(row)),
    startBackup() {
      state.calls.push("start");
      const id = `b${state.backups.length + 1}`;
      state.backups.unshift({
        id,
        status: "running",
        started_at: new Date().toISOString(),
        finished_at: null,
        size_bytes: null,
        verified: null,
        error: null,
        progress: ROLES.map((store) => ({ store, done: 0, total: 4, state: "pending" })),
      });
      return Promise.resolve({ id });
    },
    backupStatus(id) {
      const i = state.backups.findIndex((b) => b.id === id);
      if (i < 0) return Promise.reject(new Error(`no backup ${id}`));
      const b = state.backups[i];
      if (b.status === "running") {
        if (state.failBackup) {
          state.backups[i] = { ...b, status: "failed", error: state.failBackup };
        } else {
          const progress = b.progress.map((p) => {
            const done = Math.min(4, p.done + 2);
            return { ...p, done, state: done === 4 ? "done" as const : "running" as const };
          });
          const finished = progress.every((p) => p.state === "done");
          state.backups[i] = {
            ...b,
            progress,
            status: finished ? "succeeded" : "running",
            finished_at: finished ? new Date().toISOString() : null,
            size_bytes: finished ? 4096 : null,
          };
        }
      }
      return Promise.resolve(state.backups[i]);
    },
    verifyBackup(id) {
      state.calls.push(`verify ${id}`);
      const i = state.backups.findIndex((b) => b.id === id);
      state.backups[i] = { ...state.backups[i], verified: "ok" };
      return Promise.resolve({ ok: true, problems: [] });
    },
    restoreBackup(id, { force, confirmId }) {
      state.calls.push(`restore ${id} force=${force} confirm=${confirmId}`);
      if (!force) return Promise.reject(new Error("target deployment is not empty"));
      return Promise.resolve({ ok: true, detail: "restored 5 stores" });
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Waits until `frame()`, colours removed, satisfies `ok`, and returns it as rendered (or fails
 * after a few seconds with the last frame).
 */
export async function until(
  frame: () => string | undefined,
  ok: (f: string) => boolean,
  what: string,
): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const raw = frame() ?? "";
    if (ok(plain(raw))) {
      // Ink subscribes a new prompt's key handler after the frame: let that happen first.
      await settle();
      return raw;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never saw ${what}; last frame:\n${frame()}`);
}

/** Lets React and Ink process a key before the next one. */
export const settle = () => new Promise((r) => setTimeout(r, 60));

/** A frame without colour codes. */
const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");
export const plain = (s: string) => s.replace(ANSI, "");

/** Types `text`, then presses enter as a separate key (one chunk "x\r" reads as text). */
export async function enter(ui: { stdin: { write(s: string): void } }, text: string) {
  ui.stdin.write(text);
  await settle();
  ui.stdin.write("\r");
}
