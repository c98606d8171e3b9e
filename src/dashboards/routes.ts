// Dashboards (seed 003) for their owner, behind the `dashboard` permission: CRUD, metric samples
// in, a period summary out. Another user's dashboard answers 404, as if it did not exist. Mutations
// are audited in their transaction.
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditActor, recordAudit } from "../audit/record.ts";
import { notFound, preconditionFailed, unprocessable } from "../errors.ts";
import { clientIp } from "../http/client_ip.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { decodeCursor, encodeCursor } from "../shared/keyset_cursor.ts";
import { problems, UuidParam } from "../shared/openapi.ts";
import {
  type DashboardRow,
  deleteDashboard,
  findDashboard,
  insertDashboard,
  insertMetrics,
  listDashboards,
  publicDashboard,
  renameDashboard,
} from "./repository.ts";
import {
  DashboardCreateSchema,
  DashboardListQuery,
  DashboardListSchema,
  DashboardPatchSchema,
  DashboardSchema,
  type MetricSample,
  MetricsIngestResultSchema,
  MetricsIngestSchema,
  MetricsQuery,
  MetricsSummarySchema,
} from "./schemas.ts";
import { cachedSummary, invalidateSummaries } from "./summary.ts";

/** How far ahead of the server clock a sample's timestamp may be (clock skew). */
const MAX_FUTURE_MS = 5 * 60 * 1000;

const security = [{ bearer: [] }];
const tags = ["dashboards"];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});
const IfMatch = z.object({
  "if-match": z.string().optional().openapi({
    param: { name: "if-match", in: "header" },
    description: "The ETag last read; 412 when the dashboard changed since",
  }),
});

const list = createRoute({
  method: "get",
  path: "/dashboards",
  tags,
  summary: "The caller's dashboards, newest first",
  security,
  request: { query: DashboardListQuery },
  responses: { 200: json(DashboardListSchema, "A page"), ...problems(401, 403, 422) },
});
const create = createRoute({
  method: "post",
  path: "/dashboards",
  tags,
  summary: "Create a dashboard owned by the caller",
  security,
  request: {
    body: { required: true, content: { "application/json": { schema: DashboardCreateSchema } } },
  },
  responses: { 201: json(DashboardSchema, "Created"), ...problems(401, 403, 422) },
});
const read = createRoute({
  method: "get",
  path: "/dashboards/{id}",
  tags,
  summary: "One of the caller's dashboards (ETag)",
  security,
  request: { params: UuidParam },
  responses: { 200: json(DashboardSchema, "The dashboard"), ...problems(401, 403, 404, 422) },
});
const patch = createRoute({
  method: "patch",
  path: "/dashboards/{id}",
  tags,
  summary: "Rename a dashboard (If-Match honoured)",
  security,
  request: {
    params: UuidParam,
    headers: IfMatch,
    body: { required: true, content: { "application/json": { schema: DashboardPatchSchema } } },
  },
  responses: { 200: json(DashboardSchema, "Updated"), ...problems(401, 403, 404, 412, 422) },
});
const remove = createRoute({
  method: "delete",
  path: "/dashboards/{id}",
  tags,
  summary: "Delete a dashboard and its samples (If-Match honoured)",
  security,
  request: { params: UuidParam, headers: IfMatch },
  responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404, 412, 422) },
});
const ingest = createRoute({
  method: "post",
  path: "/dashboards/{id}/metrics",
  tags,
  summary: `Add one metric sample or an array of up to 1000`,
  security,
  request: {
    params: UuidParam,
    body: { required: true, content: { "application/json": { schema: MetricsIngestSchema } } },
  },
  responses: { 201: json(MetricsIngestResultSchema, "Stored"), ...problems(401, 403, 404, 422) },
});
const summary = createRoute({
  method: "get",
  path: "/dashboards/{id}/metrics",
  tags,
  summary: "Series and per-field avg, min, max, p95 over a period (cached 5 minutes)",
  security,
  request: { params: UuidParam, query: MetricsQuery },
  responses: {
    200: json(MetricsSummarySchema, "Summary; X-Cache says hit or miss"),
    ...problems(401, 403, 404, 422),
  },
});

const etag = (row: DashboardRow) => `"${row.version}"`;

/** Refuses with 412 when the client sent If-Match and it names another version. */
function checkIfMatch(header: string | undefined, row: DashboardRow) {
  if (header === undefined) return;
  const tags = header.split(",").map((t) => t.trim().replace(/^W\//, ""));
  if (!tags.includes("*") && !tags.includes(etag(row))) throw preconditionFailed();
}

/** Timestamps more than MAX_FUTURE_MS ahead are refused with their field path. */
function checkTimestamps(samples: readonly MetricSample[], single: boolean, nowMs: number) {
  const errors = samples.flatMap((s, i) =>
    s.timestamp !== undefined && Date.parse(s.timestamp) > nowMs + MAX_FUTURE_MS
      ? [{
        path: single ? "timestamp" : `${i}.timestamp`,
        message: "must not be more than 5 minutes in the future",
      }]
      : []
  );
  if (errors.length > 0) throw unprocessable("The request body is not valid", errors);
}

export function dashboardsRoutes(deps: Deps) {
  const app = createRouter();
  const db = deps.stores.relational;
  const summaryDeps = { db, cached: deps.cached };
  const actor = (c: Context<AppEnv>) => auditActor(c, clientIp(c, deps.config.trustProxy));

  app.openapi(list, async (c) => {
    const { userId } = principalOf(c);
    const q = c.req.valid("query");
    const rows = await listDashboards(db, userId, q.limit, decodeCursor(q.cursor));
    const page = rows.slice(0, q.limit);
    const last = page[page.length - 1];
    const next = rows.length > q.limit && last
      ? encodeCursor({ ts: last.cursor_ts, id: last.id })
      : null;
    return c.json({ items: page.map(publicDashboard), next_cursor: next }, 200);
  });

  app.openapi(create, async (c) => {
    const { userId } = principalOf(c);
    const { name } = c.req.valid("json");
    const row = await db.transaction(async (tx) => {
      const row = await insertDashboard(tx, userId, name);
      await recordAudit(tx, actor(c), {
        action: "create",
        resourceType: "dashboards",
        resourceId: row.id,
        newValues: publicDashboard(row),
      });
      return row;
    });
    c.header("Location", `/api/v1/dashboards/${row.id}`);
    c.header("ETag", etag(row));
    return c.json(publicDashboard(row), 201);
  });

  app.openapi(read, async (c) => {
    const { userId } = principalOf(c);
    const row = await findDashboard(db, userId, c.req.valid("param").id);
    if (!row) throw notFound("No such dashboard");
    c.header("ETag", etag(row));
    return c.json(publicDashboard(row), 200);
  });

  app.openapi(patch, async (c) => {
    const { userId } = principalOf(c);
    const { id } = c.req.valid("param");
    const { name } = c.req.valid("json");
    const ifMatch = c.req.valid("header")["if-match"];
    const row = await db.transaction(async (tx) => {
      const old = await findDashboard(tx, userId, id, true);
      if (!old) throw notFound("No such dashboard");
      checkIfMatch(ifMatch, old);
      const row = await renameDashboard(tx, id, name);
      await recordAudit(tx, actor(c), {
        action: "update",
        resourceType: "dashboards",
        resourceId: id,
        oldValues: publicDashboard(old),
        newValues: publicDashboard(row),
      });
      return row;
    });
    c.header("ETag", etag(row));
    return c.json(publicDashboard(row), 200);
  });

  app.openapi(remove, async (c) => {
    const { userId } = principalOf(c);
    const { id } = c.req.valid("param");
    const ifMatch = c.req.valid("header")["if-match"];
    await db.transaction(async (tx) => {
      const old = await findDashboard(tx, userId, id, true);
      if (!old) throw notFound("No such dashboard");
      checkIfMatch(ifMatch, old);
      await deleteDashboard(tx, id);
      await recordAudit(tx, actor(c), {
        action: "delete",
        resourceType: "dashboards",
        resourceId: id,
        oldValues: publicDashboard(old),
      });
    });
    await invalidateSummaries(summaryDeps, userId);
    return c.body(null, 204);
  });

  app.openapi(ingest, async (c) => {
    const { userId } = principalOf(c);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const single = !Array.isArray(body);
    const samples: MetricSample[] = Array.isArray(body) ? body : [body];
    const nowMs = deps.now();
    checkTimestamps(samples, single, nowMs);
    const inserted = await db.transaction(async (tx) => {
      // Locking the dashboard row keeps a concurrent delete from orphaning the samples' audit.
      if (!await findDashboard(tx, userId, id, true)) throw notFound("No such dashboard");
      const inserted = await insertMetrics(tx, userId, id, samples, new Date(nowMs));
      await recordAudit(tx, actor(c), {
        action: "metrics.ingest",
        resourceType: "dashboards",
        resourceId: id,
        newValues: { samples: inserted },
      });
      return inserted;
    });
    // After commit: dropping the keys earlier would let a reader cache the old figures again
    // before the samples are visible. A read already computing now may still store them; the
    // five-minute TTL bounds that.
    await invalidateSummaries(summaryDeps, userId);
    c.header("Location", `/api/v1/dashboards/${id}/metrics`);
    return c.json({ dashboard_id: id, inserted }, 201);
  });

  app.openapi(summary, async (c) => {
    const { userId } = principalOf(c);
    const { id } = c.req.valid("param");
    const { period } = c.req.valid("query");
    if (!await findDashboard(db, userId, id)) throw notFound("No such dashboard");
    const { summary, hit } = await cachedSummary(summaryDeps, userId, id, period, deps.now());
    c.header("X-Cache", hit ? "hit" : "miss");
    c.header("Cache-Control", "private, max-age=0");
    return c.json(summary, 200);
  });

  return app;
}
