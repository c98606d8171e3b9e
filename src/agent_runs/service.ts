/**
 * The agent-runs service: recording a run against the agent's daily budget (one transaction
 * under the agent's row lock, so concurrent runs on any number of instances cannot overshoot
 * it), listing runs within a bounded time range, and reading the day's usage.
 *
 * @module
 */
import type { z } from "@hono/zod-openapi";
import { type AuditActor, recordAudit } from "../audit/record.ts";
import { grants, type Principal } from "../auth/mod.ts";
import type { ReadThroughCache } from "../caching/read_through.ts";
import { applyAfterCommit, recordInvalidation } from "../caching/invalidation_outbox.ts";
import { notFound, tooManyRequests, unprocessable } from "../errors.ts";
import type { Deps } from "../http/types.ts";
import type { Logger } from "../log.ts";
import { decodeCursor, encodeCursor } from "../shared/keyset_cursor.ts";
import { DAY_MS, msToNextUtcMidnight, utcDate } from "../shared/utc.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import type { RelationalStore } from "../stores/relational/port.ts";
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
import type { AgentRun, LogsQuery } from "./schemas.ts";

/** Default and longest time range of one list request. */
export const DEFAULT_RANGE_DAYS = 7;
export const MAX_RANGE_DAYS = 92;

/** What the agent-runs service needs; built once per app by `agentRunsContext`. */
export interface AgentRunsContext {
  db: RelationalStore;
  cache: CacheStore;
  cached: ReadThroughCache;
  log: Logger;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export function agentRunsContext(deps: Deps): AgentRunsContext {
  return {
    db: deps.stores.relational,
    cache: deps.stores.cache,
    cached: deps.cached,
    log: deps.log,
    now: deps.now,
  };
}

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

async function agentOr404(ctx: AgentRunsContext, id: string): Promise<AgentLimits> {
  const agent = await findAgentLimits(ctx.db, id);
  if (!agent) throw notFound("No such agent");
  return agent;
}

/**
 * Records `run` for agent `id` on behalf of `caller`, refusing with 429 once the day's token or
 * cost limit is reached; answers the run with the day's usage after it.
 */
export async function recordRun(
  ctx: AgentRunsContext,
  requestActor: AuditActor,
  caller: Principal,
  id: string,
  run: AgentRun,
) {
  const nowMs = ctx.now();
  const at = new Date(nowMs);
  const tokens = run.tokens_input + run.tokens_output;
  // The path's agent: mayRecordFor below proves it is the caller's own agent, or that the caller
  // may record for any agent.
  const actor = { ...requestActor, agentId: id };
  let countersTouched = false;
  const recorded = await ctx.db.transaction(async (tx) => {
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
    const written = await storeUsage(ctx, id, nowMs, after);
    // The cache refused, so it may still hold counters without this run (its drop may have
    // failed too): the outbox owes their drop, committed with the run, so that no instance
    // serves them once the cache is back.
    const owed = written ? null : counterDrop(id, nowMs);
    const owedId = owed ? await recordInvalidation(tx, owed) : null;
    return { agent, log, after, owed, owedId };
  }).catch(async (err) => {
    // The counters may already hold this run, which did not commit after all.
    if (countersTouched) await dropUsage(ctx, id, nowMs);
    throw err;
  });
  const { agent, log, after, owed, owedId } = recorded;
  if (owed && owedId) await applyAfterCommit(ctx, owed, owedId);
  // Counted from agent_logs under the agent's lock, whatever state the cache is in.
  const usage: Usage = { ...after, source: "database" };
  return { ...log, budget: budgetBody(agent, usage, nowMs) };
}

/** What a list request may filter on (the validated query string). */
export type RunsQuery = z.infer<typeof LogsQuery>;

/** A page of agent `id`'s runs, newest first, within [from, to) (default the last 7 days). */
export async function listAgentRuns(ctx: AgentRunsContext, id: string, q: RunsQuery) {
  await agentOr404(ctx, id);
  const to = q.to === undefined ? ctx.now() + 1 : Date.parse(q.to);
  const from = q.from === undefined ? to - DEFAULT_RANGE_DAYS * DAY_MS : Date.parse(q.from);
  if (from >= to) {
    throw unprocessable("from must be before to", [{ path: "to", message: "must be after from" }]);
  }
  if (to - from > MAX_RANGE_DAYS * DAY_MS) {
    throw unprocessable("The range is too long", [
      { path: "to", message: `at most ${MAX_RANGE_DAYS} days after from` },
    ]);
  }
  const page = await listRuns(
    ctx.db,
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
  return { items: page.items, next_cursor: next };
}

/** One run of agent `id`. */
export async function readRun(ctx: AgentRunsContext, id: string, logId: string) {
  const log = await findRun(ctx.db, id, logId);
  if (!log) throw notFound("No such run");
  return log;
}

/** Today's (UTC) usage of agent `id` against its daily limits. */
export async function budgetOf(ctx: AgentRunsContext, id: string) {
  const agent = await agentOr404(ctx, id);
  const nowMs = ctx.now();
  return budgetBody(agent, await readUsage(ctx, id, nowMs), nowMs);
}
