// Agent runs and budgets: POST /agents/{id}/logs records a run of the caller's own agent (any
// agent for those who may configure agents), refusing with 429 once the day's token or cost limit
// is reached (checked under the agent's row lock, so concurrent runs on any number of instances
// cannot overshoot it); GET lists runs newest first within a bounded time range.
import { createRoute, type z } from "@hono/zod-openapi";
import { auditActor, recordAudit } from "../audit/record.ts";
import { grants, type Principal } from "../auth/mod.ts";
import { applyAfterCommit, recordInvalidation } from "../caching/invalidation_outbox.ts";
import { notFound, tooManyRequests, unprocessable } from "../errors.ts";
import { clientIp } from "../http/client_ip.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { decodeCursor, encodeCursor } from "../shared/keyset_cursor.ts";
import { problems } from "../shared/openapi.ts";
import { DAY_MS, msToNextUtcMidnight, utcDate } from "../shared/utc.ts";
import {
  addCost,
  counterDrop,
  dayUsage,
  dropUsage,
  reachedLimit,
  readUsage,
  storeUsage,
  type Usage,
} from "./budget.ts";
import {
  addToAgentTotals,
  type AgentLimits,
  findAgentLimits,
  findRun,
  insertRun,
  listRuns,
  lockAgentLimits,
  type LockedAgent,
} from "./repository.ts";
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

/** Default and longest time range of one list request. */
export const DEFAULT_RANGE_DAYS = 7;
export const MAX_RANGE_DAYS = 92;

const security = [{ bearer: [] }];
const tags = ["agents"];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

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
    ...problems(401, 403, 404, 422, 429),
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

/**
 * Whether `caller` may record runs for `agent`. Those who may configure agents (agents/update:
 * admin, diretor) may for any agent; anyone else (an agente_ia account holds only
 * agent_logs/create) only for the agent whose service account (user_id) they are, or they could
 * spend another agent's daily budget and have the audit trail name that agent.
 */
function mayRecordFor(caller: Principal, agent: LockedAgent): boolean {
  return agent.user_id === caller.userId || grants(caller.permissions, "agents", "update");
}

function budgetBody(agent: AgentLimits, usage: Usage, nowMs: number) {
  return {
    agent_id: agent.id,
    date: utcDate(nowMs),
    tokens_used: usage.tokens,
    cost: Number(usage.cost.toFixed(4)),
    daily_token_limit: agent.daily_token_limit,
    daily_cost_limit: agent.daily_cost_limit,
    resets_at: new Date(nowMs + msToNextUtcMidnight(nowMs)).toISOString(),
    source: usage.source,
  };
}

export function agentRunsRoutes(deps: Deps) {
  const app = createRouter();
  const db = deps.stores.relational;
  const budgetDeps = { db, cache: deps.stores.cache, log: deps.log };
  const outboxDeps = { ...budgetDeps, cached: deps.cached };

  async function agentOr404(id: string): Promise<AgentLimits> {
    const agent = await findAgentLimits(db, id);
    if (!agent) throw notFound("No such agent");
    return agent;
  }

  app.openapi(record, async (c) => {
    const { id } = c.req.valid("param");
    const run = c.req.valid("json");
    const nowMs = deps.now();
    const at = new Date(nowMs);
    const tokens = run.tokens_input + run.tokens_output;
    const caller = principalOf(c);
    // The path's agent: mayRecordFor below proves it is the caller's own agent, or that the caller
    // may record for any agent.
    const actor = { ...auditActor(c, clientIp(c, deps.config.trustProxy)), agentId: id };
    let countersTouched = false;
    const recorded = await db.transaction(async (tx) => {
      // Holding the agent's row lock, the day's sum counts every run committed before ours and
      // no other run of this agent can commit between the check and our insert, on any instance.
      // The lock also keeps agents.user_id (a unique, so key, column) from changing meanwhile.
      const agent = await lockAgentLimits(tx, id);
      // Someone else's agent answers as a missing one: ids of other agents cannot be probed.
      if (!agent || !mayRecordFor(caller, agent)) throw notFound("No such agent");
      const before = await dayUsage(tx, id, nowMs);
      // The check is on usage before this run: a run that starts under the limit is accepted
      // even if it ends over it; the next one is refused.
      const reached = reachedLimit(before, agent);
      if (reached) {
        throw tooManyRequests(`Agent ${id}: ${reached}`, msToNextUtcMidnight(nowMs) / 1000);
      }
      const log = await insertRun(tx, id, run, at);
      await addToAgentTotals(tx, id, tokens, run.cost, at);
      await recordAudit(tx, actor, {
        action: "create",
        resourceType: "agent_logs",
        resourceId: log.id,
        newValues: { ...log, input_data: undefined, output_data: undefined },
      });
      const after = { tokens: before.tokens + tokens, cost: addCost(before.cost, run.cost) };
      // Still under the lock, so counter writes for this agent land in commit order.
      countersTouched = true;
      const written = await storeUsage(budgetDeps, id, nowMs, after);
      // The cache refused, so it may still hold counters without this run (its drop may have
      // failed too): the outbox owes their drop, committed with the run, so that no instance
      // serves them once the cache is back.
      const owed = written ? null : counterDrop(id, nowMs);
      const owedId = owed ? await recordInvalidation(tx, owed) : null;
      return { agent, log, after, owed, owedId };
    }).catch(async (err) => {
      // The counters may already hold this run, which did not commit after all.
      if (countersTouched) await dropUsage(budgetDeps, id, nowMs);
      throw err;
    });
    const { agent, log, after, owed, owedId } = recorded;
    if (owed && owedId) await applyAfterCommit(outboxDeps, owed, owedId);
    c.header("Location", `/api/v1/agents/${id}/logs/${log.id}`);
    // Counted from agent_logs under the agent's lock, whatever state the cache is in.
    const usage: Usage = { ...after, source: "database" };
    return c.json({ ...log, budget: budgetBody(agent, usage, nowMs) }, 201);
  });

  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await agentOr404(id);
    const to = q.to === undefined ? deps.now() + 1 : Date.parse(q.to);
    const from = q.from === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : Date.parse(q.from);
    if (from >= to) {
      throw unprocessable("from must be before to", [{
        path: "to",
        message: "must be after from",
      }]);
    }
    if (to - from > MAX_RANGE_DAYS * DAY_MS) {
      throw unprocessable("The range is too long", [
        { path: "to", message: `at most ${MAX_RANGE_DAYS} days after from` },
      ]);
    }
    const page = await listRuns(
      db,
      id,
      {
        from: new Date(from),
        to: new Date(to),
        level: q.level,
        success: q.success === undefined ? undefined : q.success === "true",
        action: q.action,
      },
      q.limit,
      decodeCursor(q.cursor),
    );
    const next = page.more && page.last ? encodeCursor(page.last) : null;
    return c.json({ items: page.items, next_cursor: next }, 200);
  });

  app.openapi(readOne, async (c) => {
    const { id, log_id } = c.req.valid("param");
    const log = await findRun(db, id, log_id);
    if (!log) throw notFound("No such run");
    return c.json(log, 200);
  });

  app.openapi(budget, async (c) => {
    const { id } = c.req.valid("param");
    const agent = await agentOr404(id);
    const nowMs = deps.now();
    return c.json(budgetBody(agent, await readUsage(budgetDeps, id, nowMs), nowMs), 200);
  });

  return app;
}
