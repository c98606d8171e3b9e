/**
 * Dashboards for their owner, behind the `dashboard` permission: CRUD, metric samples
 * in, a period summary out. Another user's dashboard answers 404, as if it did not exist. The
 * handlers validate, call ./service.ts and answer.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { IfMatchHeader, json, problems, security, UuidParam } from "../shared/openapi.ts";
import {
  DashboardCreateSchema,
  DashboardListQuery,
  DashboardListSchema,
  DashboardPatchSchema,
  DashboardSchema,
  MetricsIngestResultSchema,
  MetricsIngestSchema,
  MetricsQuery,
  MetricsSummarySchema,
} from "./schemas.ts";
import {
  createDashboard,
  dashboardsContext,
  ingestSamples,
  listOwn,
  readOwn,
  removeOwn,
  renameOwn,
  summaryOf,
} from "./service.ts";

const tags = ["dashboards"];

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
    headers: IfMatchHeader,
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
  request: { params: UuidParam, headers: IfMatchHeader },
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

export function dashboardsRoutes(deps: Deps) {
  const app = createRouter();
  const ctx = dashboardsContext(deps);

  app.openapi(list, async (c) => {
    const q = c.req.valid("query");
    return c.json(await listOwn(ctx, principalOf(c).userId, q.limit, q.cursor), 200);
  });

  app.openapi(create, async (c) => {
    const { name } = c.req.valid("json");
    const { dashboard, etag } = await createDashboard(
      ctx,
      requestActor(c, deps),
      principalOf(c).userId,
      name,
    );
    c.header("Location", `/api/v1/dashboards/${dashboard.id}`);
    c.header("ETag", etag);
    return c.json(dashboard, 201);
  });

  app.openapi(read, async (c) => {
    const { dashboard, etag } = await readOwn(ctx, principalOf(c).userId, c.req.valid("param").id);
    c.header("ETag", etag);
    return c.json(dashboard, 200);
  });

  app.openapi(patch, async (c) => {
    const { dashboard, etag } = await renameOwn(
      ctx,
      requestActor(c, deps),
      principalOf(c).userId,
      c.req.valid("param").id,
      c.req.valid("json").name,
      c.req.valid("header")["if-match"],
    );
    c.header("ETag", etag);
    return c.json(dashboard, 200);
  });

  app.openapi(remove, async (c) => {
    await removeOwn(
      ctx,
      requestActor(c, deps),
      principalOf(c).userId,
      c.req.valid("param").id,
      c.req.valid("header")["if-match"],
    );
    return c.body(null, 204);
  });

  app.openapi(ingest, async (c) => {
    const { id } = c.req.valid("param");
    const inserted = await ingestSamples(
      ctx,
      requestActor(c, deps),
      principalOf(c).userId,
      id,
      c.req.valid("json"),
    );
    c.header("Location", `/api/v1/dashboards/${id}/metrics`);
    return c.json({ dashboard_id: id, inserted }, 201);
  });

  app.openapi(summary, async (c) => {
    const { id } = c.req.valid("param");
    const { period } = c.req.valid("query");
    const { summary, hit } = await summaryOf(ctx, principalOf(c).userId, id, period);
    c.header("X-Cache", hit ? "hit" : "miss");
    c.header("Cache-Control", "private, max-age=0");
    return c.json(summary, 200);
  });

  return app;
}
