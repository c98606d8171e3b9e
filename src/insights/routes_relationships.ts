/**
 * Relationship and mind map routes (/api/v1/relationships, /api/v1/mindmap).
 * @module
 */
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { principalOf } from "../http/guard.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { json, problems, security, UuidParam } from "../shared/openapi.ts";
import {
  createRelationship,
  deleteRelationship,
  listRelationships,
  mindmap,
} from "./relationships.ts";
import {
  MindmapQuery,
  MindmapSchema,
  RelationshipCreateSchema,
  RelationshipListSchema,
  RelationshipSchema,
} from "./schemas.ts";
import type { InsightCtx } from "./service.ts";

const tags = ["insights"];
const InsightIdParam = z.object({
  insight_id: z.uuid().openapi({ param: { name: "insight_id", in: "path" } }),
});

const list = createRoute({
  method: "get",
  path: "/relationships/{insight_id}",
  tags,
  summary: "An insight's live relationships (manual and auto), strongest first",
  security,
  request: { params: InsightIdParam },
  responses: { 200: json(RelationshipListSchema, "The links"), ...problems(401, 404, 422, 503) },
});

const create = createRoute({
  method: "post",
  path: "/relationships",
  tags,
  summary: "Links two of the caller's insights by hand",
  security,
  request: { body: { ...json(RelationshipCreateSchema, "The link"), required: true } },
  responses: {
    201: json(RelationshipSchema, "Created"),
    ...problems(401, 404, 409, 422, 503),
  },
});

const remove = createRoute({
  method: "delete",
  path: "/relationships/{id}",
  tags,
  summary: "Removes a relationship",
  security,
  request: { params: UuidParam },
  responses: { 204: { description: "Removed" }, ...problems(401, 404, 422, 503) },
});

const map = createRoute({
  method: "get",
  path: "/mindmap/{insight_id}",
  tags,
  summary: "Insights and tags around an insight, as nodes and edges ready to draw",
  security,
  request: { params: InsightIdParam, query: MindmapQuery },
  responses: { 200: json(MindmapSchema, "The map"), ...problems(401, 404, 422, 503) },
});

export function relationshipRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, ctx: InsightCtx) {
  app.openapi(list, async (c) => {
    const items = await listRelationships(ctx, principalOf(c), c.req.valid("param").insight_id);
    return c.json({ items }, 200);
  });

  app.openapi(create, async (c) => {
    const rel = await createRelationship(
      ctx,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("json"),
    );
    return c.json(rel, 201);
  });

  app.openapi(remove, async (c) => {
    await deleteRelationship(ctx, principalOf(c), requestActor(c, deps), c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(map, async (c) => {
    const { depth, limit } = c.req.valid("query");
    const out = await mindmap(ctx, principalOf(c), c.req.valid("param").insight_id, depth, limit);
    return c.json(out, 200);
  });
}
