/**
 * The admin API over the ops services, under /api/v1/admin: backups, partitions, cache and
 * health. Every route needs the `admin` resource (only admin's `{"all": true}` holds it); every
 * action that changes something writes an audit row.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { recordAudit, requestActor } from "../audit/record.ts";
import { unsupportedMediaType } from "../errors.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { json, problems, security } from "../shared/openapi.ts";
import {
  backupStatus,
  listBackups,
  restoreBackup,
  startBackup,
  verifyBackup,
} from "./backup/service.ts";
import { cacheStats, deleteCacheKeys, getCacheKey, scanCacheKeys } from "./cache_inspect.ts";
import { opsContextFromDeps } from "./context.ts";
import { storeHealth } from "./health.ts";
import { cacheRateOf } from "./metrics.ts";
import {
  archivePartitions,
  ensurePartitions,
  listPartitionRuns,
  listPartitions,
} from "./partitions.ts";
import {
  ArchiveBodySchema,
  BackupIdParam,
  BackupListSchema,
  BackupRunSchema,
  BackupStartedSchema,
  CacheDeleteQuery,
  CacheDeleteSchema,
  CacheKeyParam,
  CacheKeyValueSchema,
  CacheScanQuery,
  CacheScanSchema,
  CacheStatsSchema,
  EnsureBodySchema,
  HealthSchema,
  PartitionRunSchema,
  PartitionSchema,
  RestoreBodySchema,
  RestoreReportSchema,
  VerifyReportSchema,
} from "./schemas.ts";

const tags = ["admin"];
const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
/** A JSON body that may be left out entirely; its defaults apply then (see `bodyOrDefaults`). */
const optionalBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: false },
});

const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;.*)?$/i;

/**
 * The validated body of an optional-body route, or the schema's defaults when none was sent; a
 * body of another media type is 415 (zod-openapi would otherwise skip it silently).
 */
function bodyOrDefaults<T extends z.ZodType>(c: Context<AppEnv>, schema: T, valid: unknown) {
  const type = c.req.header("Content-Type");
  if (type !== undefined && !JSON_TYPE.test(type.trim())) {
    throw unsupportedMediaType("Send application/json, or no body for the defaults");
  }
  return schema.parse(valid) as z.infer<T>;
}

/** One event of the backup stream as schemathesis and OpenAPI 3.2 `itemSchema` read it. */
const BackupEventSchema = z.object({
  event: z.enum(["progress", "end"]),
  data: z.string().openapi({
    description: "The run (BackupRun) as JSON",
    contentMediaType: "application/json",
    contentSchema: { $ref: "#/components/schemas/BackupRun" },
  } as Record<string, unknown>),
}).openapi("BackupEvent");

const r = {
  listBackups: createRoute({
    method: "get",
    path: "/admin/backups",
    tags,
    security,
    summary: "Backup runs, newest first",
    responses: { 200: json(BackupListSchema, "Runs"), ...problems(401, 403, 503) },
  }),
  startBackup: createRoute({
    method: "post",
    path: "/admin/backups",
    tags,
    security,
    summary: "Start a backup of all five stores (409 while one runs on any instance)",
    responses: { 202: json(BackupStartedSchema, "Started"), ...problems(401, 403, 409, 503) },
  }),
  backupStatus: createRoute({
    method: "get",
    path: "/admin/backups/{id}",
    tags,
    security,
    summary: "One run with per-store progress (poll while it runs)",
    request: { params: BackupIdParam },
    responses: { 200: json(BackupRunSchema, "Run"), ...problems(401, 403, 404, 422, 503) },
  }),
  backupEvents: createRoute({
    method: "get",
    path: "/admin/backups/{id}/events",
    tags,
    security,
    summary: "Server-sent events: a `progress` event (the run) every half second until `end`",
    request: { params: BackupIdParam },
    responses: {
      200: {
        description: "text/event-stream of BackupRun JSON",
        content: { "text/event-stream": { schema: BackupEventSchema } },
      },
      ...problems(401, 403, 404, 422, 503),
    },
  }),
  verify: createRoute({
    method: "post",
    path: "/admin/backups/{id}/verify",
    tags,
    security,
    summary: "Recompute every part's checksum and count",
    request: { params: BackupIdParam },
    responses: {
      200: json(VerifyReportSchema, "Report"),
      ...problems(401, 403, 404, 409, 422, 503),
    },
  }),
  restore: createRoute({
    method: "post",
    path: "/admin/backups/{id}/restore",
    tags,
    security,
    summary: "Restore into this deployment (empty, or force with the id typed back), then prove it",
    request: { params: BackupIdParam, ...body(RestoreBodySchema) },
    responses: {
      200: json(RestoreReportSchema, "Restored, with the proof"),
      ...problems(401, 403, 404, 409, 422, 503),
    },
  }),
  partitions: createRoute({
    method: "get",
    path: "/admin/partitions",
    tags,
    security,
    summary: "Partitions with range, rows, size (default partitions included)",
    responses: {
      200: json(z.object({ items: z.array(PartitionSchema) }), "Partitions"),
      ...problems(401, 403, 503),
    },
  }),
  partitionRuns: createRoute({
    method: "get",
    path: "/admin/partitions/runs",
    tags,
    security,
    summary: "Partition runs",
    responses: {
      200: json(z.object({ items: z.array(PartitionRunSchema) }), "Runs"),
      ...problems(401, 403, 503),
    },
  }),
  ensure: createRoute({
    method: "post",
    path: "/admin/partitions/ensure",
    tags,
    security,
    summary: "Make the current month and months ahead (default 6)",
    request: optionalBody(EnsureBodySchema),
    responses: {
      200: json(z.object({ created: z.array(z.string()) }), "Made"),
      ...problems(401, 403, 415, 422, 503),
    },
  }),
  archive: createRoute({
    method: "post",
    path: "/admin/partitions/archive",
    tags,
    security,
    summary: "Archive partitions past retention (dry run by default)",
    request: optionalBody(ArchiveBodySchema),
    responses: { 200: json(PartitionRunSchema, "Run"), ...problems(401, 403, 415, 422, 503) },
  }),
  cacheKeys: createRoute({
    method: "get",
    path: "/admin/cache/keys",
    tags,
    security,
    summary: "Keys by pattern (SCAN), with type, TTL and size",
    request: { query: CacheScanQuery },
    responses: { 200: json(CacheScanSchema, "Keys"), ...problems(401, 403, 422, 503) },
  }),
  cacheKey: createRoute({
    method: "get",
    path: "/admin/cache/keys/{key}",
    tags,
    security,
    summary: "One key's value; secrets are never shown",
    request: { params: CacheKeyParam },
    responses: { 200: json(CacheKeyValueSchema, "Key"), ...problems(401, 403, 404, 503) },
  }),
  cacheDelete: createRoute({
    method: "delete",
    path: "/admin/cache/keys/{key}",
    tags,
    security,
    summary: "Delete one key",
    request: { params: CacheKeyParam },
    responses: { 200: json(CacheDeleteSchema, "Deleted"), ...problems(401, 403, 404, 503) },
  }),
  cacheDeletePattern: createRoute({
    method: "delete",
    path: "/admin/cache/keys",
    tags,
    security,
    summary: "Delete by pattern: without confirm_count only counts; with it, deletes",
    request: { query: CacheDeleteQuery },
    responses: {
      200: json(CacheDeleteSchema, "Counted or deleted"),
      ...problems(401, 403, 409, 422, 503),
    },
  }),
  cacheStats: createRoute({
    method: "get",
    path: "/admin/cache/stats",
    tags,
    security,
    summary: "Keys, memory, ops/s and read-through hit ratio per namespace",
    responses: { 200: json(CacheStatsSchema, "Stats"), ...problems(401, 403, 503) },
  }),
  health: createRoute({
    method: "get",
    path: "/admin/health",
    tags,
    security,
    summary: "Every store: status, latency, version and pool use where known",
    responses: { 200: json(HealthSchema, "Health"), ...problems(401, 403) },
  }),
};

/** Routes as the guard sees them, with the admin permission each needs. */
export const OPS_PERMISSIONS = {
  "GET /api/v1/admin/backups": ["admin", "read"],
  "POST /api/v1/admin/backups": ["admin", "create"],
  "GET /api/v1/admin/backups/:id": ["admin", "read"],
  "GET /api/v1/admin/backups/:id/events": ["admin", "read"],
  "POST /api/v1/admin/backups/:id/verify": ["admin", "read"],
  "POST /api/v1/admin/backups/:id/restore": ["admin", "delete"],
  "GET /api/v1/admin/partitions": ["admin", "read"],
  "GET /api/v1/admin/partitions/runs": ["admin", "read"],
  "POST /api/v1/admin/partitions/ensure": ["admin", "create"],
  "POST /api/v1/admin/partitions/archive": ["admin", "delete"],
  "GET /api/v1/admin/cache/keys": ["admin", "read"],
  "GET /api/v1/admin/cache/keys/:key": ["admin", "read"],
  "DELETE /api/v1/admin/cache/keys/:key": ["admin", "delete"],
  "DELETE /api/v1/admin/cache/keys": ["admin", "delete"],
  "GET /api/v1/admin/cache/stats": ["admin", "read"],
  "GET /api/v1/admin/health": ["admin", "read"],
} as const;

export function opsRoutes(deps: Deps) {
  const app = createRouter();
  const ctx = opsContextFromDeps(deps);
  const audit = async (
    c: Context<AppEnv>,
    action: string,
    resourceType: string,
    resourceId: string | null,
    newValues: Record<string, unknown>,
  ) => {
    await deps.stores.relational.transaction((tx) =>
      recordAudit(tx, requestActor(c, deps), { action, resourceType, resourceId, newValues })
    );
  };

  app.openapi(r.listBackups, async (c) => c.json({ items: await listBackups(ctx) }, 200));
  app.openapi(r.startBackup, async (c) => {
    const id = await startBackup(ctx, { actor: principalOf(c).userId });
    await audit(c, "backup.start", "backup", id, {});
    return c.json({ id, status_url: `/api/v1/admin/backups/${id}` }, 202);
  });
  app.openapi(
    r.backupStatus,
    async (c) => c.json(await backupStatus(ctx, c.req.valid("param").id), 200),
  );
  app.openapi(r.backupEvents, async (c) => {
    const { id } = c.req.valid("param");
    await backupStatus(ctx, id); // 404 before the stream starts
    return streamSSE(c, async (stream) => {
      // A stopping instance closes the stream (the client reconnects to another), so a run
      // followed here, whichever instance runs it, cannot hold the shutdown's drain open.
      while (!stream.aborted && !deps.backups.signal.aborted) {
        const run = await backupStatus(ctx, id);
        const ended = run.state !== "running";
        await stream.writeSSE({ event: ended ? "end" : "progress", data: JSON.stringify(run) });
        if (ended) return;
        await stream.sleep(500);
      }
    }) as never;
  });
  app.openapi(r.verify, async (c) => c.json(await verifyBackup(ctx, c.req.valid("param").id), 200));
  app.openapi(r.restore, async (c) => {
    const { id } = c.req.valid("param");
    const b = c.req.valid("json");
    const report = await restoreBackup(ctx, id, { force: b.force, confirmId: b.confirm_id });
    await audit(c, "backup.restore", "backup", id, { force: b.force, proof_ok: report.proof.ok });
    return c.json(report, 200);
  });
  app.openapi(r.partitions, async (c) => c.json({ items: await listPartitions(ctx) }, 200));
  app.openapi(r.partitionRuns, async (c) => c.json({ items: await listPartitionRuns(ctx) }, 200));
  app.openapi(r.ensure, async (c) => {
    const { months_ahead } = bodyOrDefaults(c, EnsureBodySchema, c.req.valid("json"));
    const out = await ensurePartitions(ctx, months_ahead);
    await audit(c, "partitions.ensure", "partition", null, { months_ahead, ...out });
    return c.json(out, 200);
  });
  app.openapi(r.archive, async (c) => {
    const b = bodyOrDefaults(c, ArchiveBodySchema, c.req.valid("json"));
    const run = await archivePartitions(ctx, { dryRun: b.dry_run, only: b.partitions });
    if (!b.dry_run) {
      await audit(c, "partitions.archive", "partition", run.id, {
        archived: run.actions.filter((a) => a.action === "archive").map((a) => a.partition),
      });
    }
    return c.json(run, 200);
  });
  app.openapi(r.cacheKeys, async (c) => {
    const q = c.req.valid("query");
    return c.json(await scanCacheKeys(ctx, q), 200);
  });
  app.openapi(
    r.cacheKey,
    async (c) => c.json(await getCacheKey(ctx, c.req.valid("param").key), 200),
  );
  app.openapi(r.cacheDelete, async (c) => {
    const { key } = c.req.valid("param");
    const out = await deleteCacheKeys(ctx, { key });
    await audit(c, "cache.delete", "cache_key", null, { key });
    return c.json(out, 200);
  });
  app.openapi(r.cacheDeletePattern, async (c) => {
    const q = c.req.valid("query");
    const out = await deleteCacheKeys(ctx, { pattern: q.pattern, confirmCount: q.confirm_count });
    if (!out.dry_run) {
      await audit(c, "cache.delete", "cache_key", null, { pattern: q.pattern, ...out });
    }
    return c.json(out, 200);
  });
  app.openapi(
    r.cacheStats,
    async (c) =>
      c.json(await cacheStats(ctx, { hits: deps.cached, rate: cacheRateOf(deps.stores) }), 200),
  );
  app.openapi(r.health, async (c) => c.json({ stores: await storeHealth(ctx) }, 200));
  return app;
}
