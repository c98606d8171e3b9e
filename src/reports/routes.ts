/**
 * The reports routes: read-only aggregates over the relational store.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { unprocessable } from "../errors.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { problems, security } from "../shared/openapi.ts";
import {
  AgentCostsQuery,
  AgentCostsReportSchema,
  PipelineQuery,
  PipelineReportSchema,
  RevenueQuery,
  RevenueReportSchema,
} from "./schemas.ts";
import { agentCosts, pipelineReport, revenueMonthly } from "./service.ts";
import { parseIsoDate, utcDayBounds } from "../shared/utc.ts";

/** Longest revenue range one request may ask for: five years (plus leap days). */
export const MAX_REVENUE_RANGE_DAYS = 5 * 366;

const pipeline = createRoute({
  method: "get",
  path: "/reports/pipeline",
  tags: ["reports"],
  summary: "Open deals: count and total value per pipeline stage, every stage in order",
  security,
  request: { query: PipelineQuery },
  responses: {
    200: {
      description: "One entry per stage",
      content: { "application/json": { schema: PipelineReportSchema } },
    },
    ...problems(401, 403, 503),
  },
});

const revenue = createRoute({
  method: "get",
  path: "/reports/revenue/monthly",
  tags: ["reports"],
  summary: "Confirmed payments received per UTC month between two dates (inclusive)",
  security,
  request: { query: RevenueQuery },
  responses: {
    200: {
      description: "One entry per month of the range, zeros included",
      content: { "application/json": { schema: RevenueReportSchema } },
    },
    ...problems(401, 403, 422, 503),
  },
});

const costs = createRoute({
  method: "get",
  path: "/reports/agents/costs",
  tags: ["reports"],
  summary: "Tokens and cost per agent for one UTC day, from agent_logs",
  security,
  request: { query: AgentCostsQuery },
  responses: {
    200: {
      description: "Agents that ran that day, costliest first",
      content: { "application/json": { schema: AgentCostsReportSchema } },
    },
    ...problems(401, 403, 422, 503),
  },
});

export function reportsRoutes(deps: Deps) {
  const app = createRouter();
  const db = deps.stores.relational;

  app.openapi(pipeline, async (c) => c.json(await pipelineReport(db), 200));

  app.openapi(revenue, async (c) => {
    const q = c.req.valid("query");
    // The schema already refused malformed dates, so both parse.
    const from = parseIsoDate(q.from)!;
    const to = parseIsoDate(q.to)!;
    if (from > to) {
      throw unprocessable("from must not be after to", [
        { path: "to", message: "must be on or after from" },
      ]);
    }
    if ((to - from) / 86_400_000 > MAX_REVENUE_RANGE_DAYS) {
      throw unprocessable("The range is too long", [
        { path: "to", message: `at most ${MAX_REVENUE_RANGE_DAYS} days after from` },
      ]);
    }
    return c.json(await revenueMonthly(db, from, to), 200);
  });

  app.openapi(costs, async (c) => {
    const q = c.req.valid("query");
    const day = q.date === undefined ? utcDayBounds(deps.now()).start.getTime() : parseIsoDate(
      q.date,
    )!;
    return c.json(await agentCosts(db, day), 200);
  });

  return app;
}
