/**
 * zod schemas of the admin API: what the ops routes accept and answer (the service types, as
 * OpenAPI components).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";

const Role = z.enum(["relational", "documents", "graph", "cache", "objects"]);
const Progress = z.object({
  state: z.enum(["pending", "running", "done", "failed"]),
  done: z.number().int(),
  total: z.number().int().nullable(),
  error: z.string().optional(),
});

export const BackupRunSchema = z.object({
  id: z.string(),
  state: z.enum(["running", "succeeded", "failed"]),
  prefix: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  size_bytes: z.number(),
  progress: z.record(z.string(), Progress),
  manifest_sha256: z.string().nullable(),
  error: z.string().nullable(),
}).openapi("BackupRun");

export const BackupListSchema = z.object({ items: z.array(BackupRunSchema) });
export const BackupStartedSchema = z.object({ id: z.string(), status_url: z.string() });

export const VerifyReportSchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  manifest_ok: z.boolean(),
  failed: z.array(z.string()),
  parts: z.array(z.object({
    path: z.string(),
    store: Role,
    ok: z.boolean(),
    expected_sha256: z.string(),
    actual_sha256: z.string().nullable(),
    expected_count: z.number(),
    actual_count: z.number().nullable(),
    reason: z.string().optional(),
  })),
}).openapi("BackupVerifyReport");

export const RestoreBodySchema = z.strictObject({
  force: z.boolean().default(false),
  confirm_id: z.string().max(100).optional(),
});

export const RestoreReportSchema = z.object({
  id: z.string(),
  restored: z.record(z.string(), z.number()),
  proof: z.object({
    ok: z.boolean(),
    stores: z.array(z.object({
      store: Role,
      ok: z.boolean(),
      expected_count: z.number(),
      actual_count: z.number(),
      mismatched: z.array(z.string()),
    })),
    invariants: z.array(z.object({
      name: z.string(),
      ok: z.boolean(),
      skipped: z.boolean(),
      detail: z.string().optional(),
    })),
  }),
}).openapi("BackupRestoreReport");

export const BackupIdParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

export const PartitionSchema = z.object({
  table: z.string(),
  name: z.string(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  is_default: z.boolean(),
  rows: z.number(),
  size_bytes: z.number(),
}).openapi("Partition");

const PartitionActionSchema = z.object({
  table: z.string(),
  partition: z.string(),
  from: z.string(),
  to: z.string(),
  rows: z.number(),
  action: z.enum(["archive", "refuse", "expire"]),
  reason: z.string().optional(),
  object_key: z.string().optional(),
  sha256: z.string().optional(),
});

export const PartitionRunSchema = z.object({
  id: z.string(),
  kind: z.enum(["archive", "ensure"]),
  dry_run: z.boolean(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  state: z.enum(["running", "succeeded", "failed"]),
  actions: z.array(PartitionActionSchema),
  error: z.string().nullable(),
}).openapi("PartitionRun");

export const EnsureBodySchema = z.strictObject({
  months_ahead: z.number().int().min(0).max(24).default(6),
});
export const ArchiveBodySchema = z.strictObject({
  dry_run: z.boolean().default(true),
  partitions: z.array(z.string().max(100)).max(100).optional(),
});

export const CacheKeyInfoSchema = z.object({
  key: z.string(),
  type: z.literal("string"),
  ttl_ms: z.number().nullable(),
  size_bytes: z.number().nullable(),
  secret: z.boolean(),
}).openapi("CacheKeyInfo");

export const CacheKeyValueSchema = CacheKeyInfoSchema.extend({
  value: z.unknown(),
  redacted: z.boolean(),
}).openapi("CacheKeyValue");

export const CacheScanQuery = z.strictObject({
  pattern: z.string().min(1).max(200).default("*"),
  cursor: z.string().max(1000).optional(),
  count: z.coerce.number().int().min(1).max(1000).default(100),
});
export const CacheScanSchema = z.object({
  items: z.array(CacheKeyInfoSchema),
  next_cursor: z.string().nullable(),
});
export const CacheKeyParam = z.object({
  key: z.string().min(1).max(1000).openapi({ param: { name: "key", in: "path" } }),
});
export const CacheDeleteQuery = z.strictObject({
  pattern: z.string().min(1).max(200),
  // The bound is what int() enforces anyway; stated, /openapi.json says so too.
  confirm_count: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});
export const CacheDeleteSchema = z.object({
  matched: z.number(),
  deleted: z.number(),
  dry_run: z.boolean(),
});
export const CacheStatsSchema = z.object({
  adapter: z.string(),
  keys: z.number(),
  memory_bytes: z.number(),
  ops_per_sec: z.number().nullable(),
  namespaces: z.array(z.object({
    namespace: z.string(),
    hits: z.number(),
    misses: z.number(),
    hit_ratio: z.number().nullable(),
  })),
}).openapi("CacheStats");

export const HealthSchema = z.object({
  stores: z.array(z.object({
    role: Role,
    status: z.enum(["ok", "down"]),
    up: z.boolean(),
    latency_ms: z.number(),
    adapter: z.string(),
    detail: z.string().optional(),
    version: z.string().nullable(),
    pool: z.object({ total: z.number(), idle: z.number(), waiting: z.number() }).nullable(),
  })),
}).openapi("OpsHealth");
