/**
 * An agent's daily token and cost counters in the cache (keys
 * agent:{id}:tokens_daily and agent:{id}:spending_daily, reset at midnight UTC). The key carries
 * the UTC date (agent:{id}:tokens_daily:2026-11-22), so a new day starts from zero whatever the
 * clock skew between instances, and the TTL (to the next midnight) only cleans up.
 *
 * agent_logs is the source of truth and the only thing a run's admission is decided on: the run
 * counts the day from agent_logs while it holds the agent's row lock (routes.ts), and writes the
 * exact new totals into the counters before that lock is released, so the counters never drift
 * for long. The counters serve reads of the budget; when the cache lost them they are rebuilt from
 * agent_logs under a cache lock, so a burst of reads runs one rebuild, not one each. A run whose
 * totals the cache refused leaves an owed drop of the counters in the outbox (counterDrop), so a
 * copy from before an outage is not served once the cache is back.
 *
 * @module
 */
import type { Invalidation } from "../caching/invalidation_outbox.ts";
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import type { Queryable } from "../stores/relational/port.ts";
import { msToNextUtcMidnight, utcDate, utcDayBounds } from "../shared/utc.ts";
import { sumUsage } from "./repository.ts";

export const tokensKey = (agentId: string, date: string) => `agent:${agentId}:tokens_daily:${date}`;
export const spendingKey = (agentId: string, date: string) =>
  `agent:${agentId}:spending_daily:${date}`;
const rebuildLockKey = (agentId: string) => `lock:agent:${agentId}:budget_rebuild`;

/**
 * The outbox entry that drops the day's counters of `agentId` (applied after commit, else by any
 * instance's drain once the cache answers). Its namespace only names the entry: the counters are
 * plain keys, which dropKeys removes.
 */
export function counterDrop(agentId: string, nowMs: number): Invalidation {
  const date = utcDate(nowMs);
  return {
    namespace: "agent_budget",
    dropKeys: [tokensKey(agentId, date), spendingKey(agentId, date)],
  };
}

const LOCK_TTL_MS = 5_000;
const WAIT_STEP_MS = 25;
const WAIT_MAX_MS = 1_000;

export interface BudgetDeps {
  db: Queryable;
  cache: CacheStore;
  log: Logger;
}

export interface Usage {
  tokens: number;
  cost: number;
  source: "cache" | "rebuilt" | "database";
}

const parse = (v: string | null) => (v === null ? NaN : Number(v));

async function readCounters(cache: CacheStore, agentId: string, date: string) {
  const [t, s] = await Promise.all([
    cache.get(tokensKey(agentId, date)),
    cache.get(spendingKey(agentId, date)),
  ]);
  const tokens = parse(t);
  const cost = parse(s);
  return Number.isFinite(tokens) && Number.isFinite(cost) ? { tokens, cost } : null;
}

/**
 * Today's usage (the UTC day of `nowMs`): the counters when present; otherwise rebuilt from
 * agent_logs by whoever takes the lock while the others wait for it; the database alone when the
 * cache is down or the rebuild takes too long.
 */
export async function readUsage(deps: BudgetDeps, agentId: string, nowMs: number): Promise<Usage> {
  const date = utcDate(nowMs);
  const { start, end } = utcDayBounds(nowMs);
  const fromDb = async (): Promise<Usage> => ({
    ...await sumUsage(deps.db, agentId, start, end),
    source: "database",
  });
  try {
    const hit = await readCounters(deps.cache, agentId, date);
    if (hit) return { ...hit, source: "cache" };
    const lock = rebuildLockKey(agentId);
    const token = await deps.cache.acquireLock(lock, LOCK_TTL_MS);
    if (token !== null) {
      try {
        // Someone may have finished a rebuild between our read and our lock.
        const again = await readCounters(deps.cache, agentId, date);
        if (again) return { ...again, source: "cache" };
        const sums = await sumUsage(deps.db, agentId, start, end);
        const ttl = msToNextUtcMidnight(nowMs);
        // Only where still absent: a run recorded since our sum has written its exact totals,
        // which this older count must not replace.
        await deps.cache.setIfAbsent(tokensKey(agentId, date), String(sums.tokens), ttl);
        await deps.cache.setIfAbsent(spendingKey(agentId, date), String(sums.cost), ttl);
        return { ...sums, source: "rebuilt" };
      } finally {
        await deps.cache.releaseLock(lock, token).catch(() => false);
      }
    }
    for (let waited = 0; waited < WAIT_MAX_MS; waited += WAIT_STEP_MS) {
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
      const rebuilt = await readCounters(deps.cache, agentId, date);
      if (rebuilt) return { ...rebuilt, source: "cache" };
    }
    return await fromDb();
  } catch (err) {
    deps.log.warn("agent budget counters unavailable; using agent_logs", {
      agent_id: agentId,
      error: String(err),
    });
    return await fromDb();
  }
}

/** Tokens and cost the agent used in the UTC day of `nowMs`, from agent_logs (read with `db`). */
export async function dayUsage(db: Queryable, agentId: string, nowMs: number) {
  const { start, end } = utcDayBounds(nowMs);
  return await sumUsage(db, agentId, start, end);
}

/** `a + b` for decimal(…, 4) amounts, without binary-fraction noise (0.1 + 0.2). */
export const addCost = (a: number, b: number) => Math.round((a + b) * 10_000) / 10_000;

/**
 * Writes the day's exact totals into the counters. Called while the run's transaction still holds
 * the agent's row lock, so writes for one agent are ordered and the last one is the newest count.
 * Returns false when the cache refused; then the counters are dropped (best effort: the cache may
 * refuse that too, which is why the caller also records counterDrop) so that the next read
 * rebuilds them rather than trusting a copy that misses this run.
 */
export async function storeUsage(
  deps: BudgetDeps,
  agentId: string,
  nowMs: number,
  usage: { tokens: number; cost: number },
): Promise<boolean> {
  const date = utcDate(nowMs);
  const ttl = msToNextUtcMidnight(nowMs);
  try {
    await Promise.all([
      deps.cache.set(tokensKey(agentId, date), String(usage.tokens), ttl),
      deps.cache.set(spendingKey(agentId, date), String(usage.cost), ttl),
    ]);
    return true;
  } catch (err) {
    deps.log.warn("agent budget counters not updated; dropping them for a rebuild", {
      agent_id: agentId,
      error: String(err),
    });
    await dropUsage(deps, agentId, nowMs);
    return false;
  }
}

/** Drops the day's counters (best effort): the next read rebuilds them from agent_logs. */
export async function dropUsage(deps: BudgetDeps, agentId: string, nowMs: number): Promise<void> {
  const date = utcDate(nowMs);
  await deps.cache.del(tokensKey(agentId, date), spendingKey(agentId, date)).catch(() => 0);
}

/** Which daily limit `usage` has reached, or null when the agent may still run today. */
export function reachedLimit(
  usage: { tokens: number; cost: number },
  limits: { daily_token_limit: number | null; daily_cost_limit: number | null },
): string | null {
  if (limits.daily_token_limit !== null && usage.tokens >= limits.daily_token_limit) {
    return `daily token limit of ${limits.daily_token_limit} reached (${usage.tokens} used today)`;
  }
  if (limits.daily_cost_limit !== null && usage.cost >= limits.daily_cost_limit) {
    return `daily cost limit of ${limits.daily_cost_limit} reached (${usage.cost} spent today)`;
  }
  return null;
}
