/**
 * Insight CRUD routes (/api/v1/insights): each caller's own insights, soft delete, If-Match on
 * changes, ETags on answers.
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { createAudioInsight } from "./audio.ts";
import { requestActor } from "../audit/record.ts";
import { principalOf } from "../http/guard.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import {
  IfMatchHeader,
  json,
  problems,
  security,
  trimmedText,
  UuidParam,
} from "../shared/openapi.ts";
import {
  InsightCreateSchema,
  InsightListQuery,
  InsightPageSchema,
  InsightPatchSchema,
  InsightReplaceSchema,
  InsightSchema,
} from "./schemas.ts";
import {
  createInsight,
  deleteInsight,
  etagOf,
  type InsightCtx,
  listInsights,
  readInsight,
  updateInsight,
} from "./service.ts";

const tags = ["insights"];

const create = createRoute({
  method: "post",
  path: "/insights",
  tags,
  summary: "Records an insight (queued for keyword, entity and relationship processing)",
  security,
  request: { body: { ...json(InsightCreateSchema, "The insight"), required: true } },
  responses: { 201: json(InsightSchema, "Created"), ...problems(401, 422, 503) },
});

const list = createRoute({
  method: "get",
  path: "/insights",
  tags,
  summary: "Insights the caller may read, newest first, filtered",
  security,
  request: { query: InsightListQuery },
  responses: { 200: json(InsightPageSchema, "One page"), ...problems(401, 422, 503) },
});

const read = createRoute({
  method: "get",
  path: "/insights/{id}",
  tags,
  summary: "One insight (ETag)",
  security,
  request: { params: UuidParam },
  responses: { 200: json(InsightSchema, "The insight"), ...problems(401, 404, 422, 503) },
});

const put = createRoute({
  method: "put",
  path: "/insights/{id}",
  tags,
  summary: "Replaces an insight's editable fields (If-Match)",
  security,
  request: {
    params: UuidParam,
    headers: IfMatchHeader,
    body: { ...json(InsightReplaceSchema, "The new fields"), required: true },
  },
  responses: { 200: json(InsightSchema, "Updated"), ...problems(401, 404, 412, 422, 503) },
});

const patch = createRoute({
  method: "patch",
  path: "/insights/{id}",
  tags,
  summary: "Changes some of an insight's fields (If-Match)",
  security,
  request: {
    params: UuidParam,
    headers: IfMatchHeader,
    body: { ...json(InsightPatchSchema, "The fields to change"), required: true },
  },
  responses: { 200: json(InsightSchema, "Updated"), ...problems(401, 404, 412, 422, 503) },
});

const remove = createRoute({
  method: "delete",
  path: "/insights/{id}",
  tags,
  summary: "Deletes an insight (soft) and its relationships (If-Match)",
  security,
  request: { params: UuidParam, headers: IfMatchHeader },
  responses: { 204: { description: "Deleted" }, ...problems(401, 404, 412, 422, 503) },
});

/** Only these two fields: another is refused with 422 rather than silently ignored. */
const AudioForm = z.strictObject({
  file: z.instanceof(File).openapi({ type: "string", format: "binary" }),
  title: trimmedText(200).optional(),
});

const audio = createRoute({
  method: "post",
  path: "/insights/audio",
  tags,
  summary: "Uploads an audio note; answers 202 with a pending insight (no transcriber ships)",
  security,
  request: {
    body: {
      description: "The audio file (multipart field `file`) and an optional title",
      content: { "multipart/form-data": { schema: AudioForm } },
      required: true,
    },
  },
  responses: {
    202: json(InsightSchema, "Accepted: pending until a transcriber is plugged in"),
    ...problems([400, "The multipart body cannot be parsed"], 401, 422, 503),
  },
});

export function insightRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, ctx: InsightCtx) {
  app.openapi(create, async (c) => {
    const caller = principalOf(c);
    const body = c.req.valid("json");
    const insight = await createInsight(ctx, caller, requestActor(c, deps), body);
    c.header("Location", `/api/v1/insights/${insight.id}`);
    c.header("ETag", etagOf(insight.version));
    return c.json(insight, 201);
  });

  app.openapi(audio, async (c) => {
    const form = c.req.valid("form");
    const insight = await createAudioInsight(
      ctx,
      principalOf(c),
      requestActor(c, deps),
      form.file,
      form.title,
      deps.config.insights.audioMaxBytes,
    );
    c.header("Location", `/api/v1/insights/${insight.id}`);
    return c.json(insight, 202);
  });

  app.openapi(list, async (c) => {
    const page = await listInsights(ctx, principalOf(c), c.req.valid("query"));
    return c.json(page, 200);
  });

  app.openapi(read, async (c) => {
    const insight = await readInsight(ctx, principalOf(c), c.req.valid("param").id);
    c.header("ETag", etagOf(insight.version));
    return c.json(insight, 200);
  });

  app.openapi(put, async (c) => {
    const body = c.req.valid("json");
    const insight = await updateInsight(
      ctx,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("param").id,
      { ...body, company_id: body.company_id ?? null },
      c.req.valid("header")["if-match"],
    );
    c.header("ETag", etagOf(insight.version));
    return c.json(insight, 200);
  });

  app.openapi(patch, async (c) => {
    const insight = await updateInsight(
      ctx,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("param").id,
      c.req.valid("json"),
      c.req.valid("header")["if-match"],
    );
    c.header("ETag", etagOf(insight.version));
    return c.json(insight, 200);
  });

  app.openapi(remove, async (c) => {
    await deleteInsight(
      ctx,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("param").id,
      c.req.valid("header")["if-match"],
    );
    return c.body(null, 204);
  });
}
