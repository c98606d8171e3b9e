/**
 * Suggestion, feedback and stats routes (/api/v1/suggestions, /api/v1/stats).
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { principalOf } from "../http/guard.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { json, problems, security } from "../shared/openapi.ts";
import {
  FeedbackResultSchema,
  FeedbackSchema,
  StatsSchema,
  SuggestionIdParam,
  SuggestionListSchema,
  SuggestionQuery,
} from "./schemas.ts";
import type { InsightCtx } from "./service.ts";
import { statsFor } from "./stats.ts";
import { feedback, suggest } from "./suggestions.ts";

const tags = ["insights"];

const list = createRoute({
  method: "get",
  path: "/suggestions",
  tags,
  summary: "Insights related to one insight (or a query) and not linked yet, with score parts",
  security,
  request: { query: SuggestionQuery },
  responses: { 200: json(SuggestionListSchema, "Best first"), ...problems(401, 404, 422, 503) },
});

const judge = createRoute({
  method: "post",
  path: "/suggestions/{id}/feedback",
  tags,
  summary: "Accepts (links the two insights) or rejects (hides) a suggestion",
  security,
  request: {
    params: SuggestionIdParam,
    body: { ...json(FeedbackSchema, "The verdict"), required: true },
  },
  responses: {
    200: json(FeedbackResultSchema, "Recorded"),
    ...problems(401, 404, 409, 422, 503),
  },
});

const stats = createRoute({
  method: "get",
  path: "/stats",
  tags,
  summary: "The caller's insight statistics (cached for a minute, dropped on writes)",
  security,
  responses: { 200: json(StatsSchema, "The figures"), ...problems(401, 503) },
});

export function suggestionRoutes(app: OpenAPIHono<AppEnv>, deps: Deps, ctx: InsightCtx) {
  app.openapi(list, async (c) => {
    const items = await suggest(ctx, principalOf(c), c.req.valid("query"));
    return c.json({ items }, 200);
  });

  app.openapi(judge, async (c) => {
    const out = await feedback(
      ctx,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("param").id,
      c.req.valid("json").decision,
    );
    return c.json(out, 200);
  });

  app.openapi(stats, async (c) => {
    const { value, hit } = await statsFor(ctx, principalOf(c).userId);
    c.header("X-Cache", hit ? "hit" : "miss");
    return c.json(value, 200);
  });
}
