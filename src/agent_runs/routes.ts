/**
 * Agent runs and budgets: POST /agents/{id}/logs records a run of the caller's own agent (any
 * agent for those who may configure agents), refusing with 429 once the day's token or cost limit
 * is reached; GET lists runs newest first within a bounded time range. The handlers validate,
 * call ./service.ts and answer.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { json, problems, security } from "../shared/openapi.ts";
import {
  AgentLogListSchema,
  AgentLogParam,
  AgentLogSchema,
  AgentParam,
  AgentRunSchema,
  BudgetSchema,
  LogsQuery,
  RecordedRunSchema,
} from "./schemas.ts";
import { agentRunsContext, budgetOf, listAgentRuns, readRun, recordRun } from "./service.ts";

const tags = ["agents"];

const record = createRoute({
  method: "post",
  path: "/agents/{id}/logs",
  tags,
  summary: "Record a run of the caller's own agent (any agent with agents/update); 429 when its " +
    "daily token or cost limit is already reached",
  security,
  request: {
    params: AgentParam,
    body: { required: true, content: { "application/json": { schema: AgentRunSchema } } },
  },
  responses: {
    201: json(RecordedRunSchema, "Recorded, with the day's usage after it"),
    ...problems(401, 403, 404, 422, [429, "Daily limit reached; Retry-After says when it resets"]),
  },
});
const list = createRoute({
  method: "get",
  path: "/agents/{id}/logs",
  tags,
  summary: "An agent's runs, newest first, within [from, to) (default the last 7 days)",
  security,
  request: { params: AgentParam, query: LogsQuery },
  responses: { 200: json(AgentLogListSchema, "A page"), ...problems(401, 403, 404, 422) },
});
const readOne = createRoute({
  method: "get",
  path: "/agents/{id}/logs/{log_id}",
  tags,
  summary: "One run",
  security,
  request: { params: AgentLogParam },
  responses: { 200: json(AgentLogSchema, "The run"), ...problems(401, 403, 404, 422) },
});
const budget = createRoute({
  method: "get",
  path: "/agents/{id}/budget",
  tags,
  summary: "Today's (UTC) token and cost usage against the agent's daily limits",
  security,
  request: { params: AgentParam },
  responses: { 200: json(BudgetSchema, "Usage and limits"), ...problems(401, 403, 404) },
});

export function agentRunsRoutes(deps: Deps) {
  const app = createRouter();
  const ctx = agentRunsContext(deps);

  app.openapi(record, async (c) => {
    const { id } = c.req.valid("param");
    const recorded = await recordRun(
      ctx,
      requestActor(c, deps),
      principalOf(c),
      id,
      c.req.valid("json"),
    );
    c.header("Location", `/api/v1/agents/${id}/logs/${recorded.id}`);
    return c.json(recorded, 201);
  });

  app.openapi(list, async (c) => {
    const page = await listAgentRuns(ctx, c.req.valid("param").id, c.req.valid("query"));
    return c.json(page, 200);
  });

  app.openapi(readOne, async (c) => {
    const { id, log_id } = c.req.valid("param");
    return c.json(await readRun(ctx, id, log_id), 200);
  });

  app.openapi(budget, async (c) => c.json(await budgetOf(ctx, c.req.valid("param").id), 200));

  return app;
}
