/**
 * SQL for agent runs: the agent's limits (optionally locking its row, with its service account), one
 * agent_logs insert, pages of runs bounded to a created_at range (the partition key), day sums.
 *
 * @module
 */
import type { Queryable } from "../stores/relational/port.ts";
import { cursorTs, type KeysetPosition } from "../shared/keyset_cursor.ts";
import type { AgentLog, AgentRun } from "./schemas.ts";

export type AgentLimits = {
  id: string;
  daily_token_limit: number | null;
  daily_cost_limit: number | null;
};

/** The limits and the agent's service account (agents.user_id), which may record its runs. */
export type LockedAgent = AgentLimits & { user_id: string | null };

type LimitsRow = {
  id: string;
  daily_token_limit: number | string | null;
  daily_cost_limit: number | string | null;
};

const toLimits = (row: LimitsRow): AgentLimits => ({
  id: row.id,
  daily_token_limit: row.daily_token_limit === null ? null : Number(row.daily_token_limit),
  daily_cost_limit: row.daily_cost_limit === null ? null : Number(row.daily_cost_limit),
});

export async function findAgentLimits(db: Queryable, id: string): Promise<AgentLimits | null> {
  const r = await db.query<LimitsRow>(
    "select id, daily_token_limit, daily_cost_limit from agents where id = $1",
    [id],
    { name: "agent_limits" },
  );
  return r.rows[0] ? toLimits(r.rows[0]) : null;
}

/**
 * The agent's limits, locking its row until `tx` ends: every run of one agent, on any instance,
 * takes this lock before counting the day's usage, so runs are checked one after another. NO KEY
 * UPDATE, not UPDATE: rows that merely reference the agent (audit_logs, lead_interactions) can
 * still be inserted meanwhile. Also returns the agent's service account, whom the caller is checked
 * against before anything is counted.
 */
export async function lockAgentLimits(tx: Queryable, id: string): Promise<LockedAgent | null> {
  const r = await tx.query<LimitsRow & { user_id: string | null }>(
    `select id, daily_token_limit, daily_cost_limit, user_id from agents where id = $1
        for no key update`,
    [id],
    { name: "agent_limits_lock" },
  );
  const row = r.rows[0];
  return row ? { ...toLimits(row), user_id: row.user_id ?? null } : null;
}

const LOG_COLUMNS = `id, agent_id, task_id, level::text as level, action, input_data, output_data,
  model_used, tokens_input, tokens_output, cost, duration_ms, success, error_message, metadata,
  created_at, ${cursorTs("created_at")} as cursor_ts`;

type LogRow = Omit<AgentLog, "created_at"> & { created_at: Date; cursor_ts: string };

/** The row as the API shows it. */
function toLog(row: LogRow): AgentLog {
  return {
    id: row.id,
    agent_id: row.agent_id,
    task_id: row.task_id ?? null,
    level: row.level,
    action: row.action,
    input_data: row.input_data ?? null,
    output_data: row.output_data ?? null,
    model_used: row.model_used ?? null,
    tokens_input: Number(row.tokens_input ?? 0),
    tokens_output: Number(row.tokens_output ?? 0),
    cost: Number(row.cost ?? 0),
    duration_ms: row.duration_ms === null ? null : Number(row.duration_ms),
    success: row.success,
    error_message: row.error_message ?? null,
    metadata: row.metadata ?? null,
    created_at: row.created_at.toISOString(),
  };
}

/** Inserts the run at `at` (the caller's clock decides its day) and returns it. */
export async function insertRun(
  db: Queryable,
  agentId: string,
  run: AgentRun,
  at: Date,
): Promise<AgentLog> {
  const r = await db.query<LogRow>(
    `insert into agent_logs (agent_id, task_id, level, action, input_data, output_data, model_used,
                             tokens_input, tokens_output, cost, duration_ms, success,
                             error_message, metadata, created_at)
     values ($1, $2, $3::log_level, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13,
             coalesce($14::jsonb, '{}'::jsonb), $15)
     returning ${LOG_COLUMNS}`,
    [
      agentId,
      run.task_id ?? null,
      run.level,
      run.action,
      run.input_data ?? null,
      run.output_data ?? null,
      run.model_used ?? null,
      run.tokens_input,
      run.tokens_output,
      run.cost,
      run.duration_ms ?? null,
      run.success,
      run.error_message ?? null,
      run.metadata ?? null,
      at,
    ],
    { name: "agent_log_insert" },
  );
  return toLog(r.rows[0]);
}

/** Keeps the agent's running totals and last run time in step with its logs. */
export async function addToAgentTotals(
  db: Queryable,
  agentId: string,
  tokens: number,
  cost: number,
  at: Date,
): Promise<void> {
  await db.query(
    `update agents
        set total_tokens_used = coalesce(total_tokens_used, 0) + $2,
            total_cost = coalesce(total_cost, 0) + $3,
            last_run_at = greatest(last_run_at, $4)
      where id = $1`,
    [agentId, tokens, cost, at],
    { name: "agent_totals_add" },
  );
}

export type LogFilter = {
  from: Date;
  to: Date;
  level?: string;
  success?: boolean;
  action?: string;
};

/** A page of one agent's runs in [from, to), newest first; `limit + 1` rows tell if more follow. */
export async function listRuns(
  db: Queryable,
  agentId: string,
  filter: LogFilter,
  limit: number,
  after: KeysetPosition | null,
): Promise<{ items: AgentLog[]; last: KeysetPosition | null; more: boolean }> {
  const r = await db.query<LogRow>(
    `select ${LOG_COLUMNS} from agent_logs
      where agent_id = $1
        and created_at >= $2::timestamptz and created_at < $3::timestamptz
        and ($4::log_level is null or level = $4::log_level)
        and ($5::boolean is null or success = $5::boolean)
        and ($6::text is null or action = $6::text)
        and ($7::timestamptz is null or (created_at, id) < ($7::timestamptz, $8::uuid))
      order by created_at desc, id desc
      limit $9`,
    [
      agentId,
      filter.from,
      filter.to,
      filter.level ?? null,
      filter.success ?? null,
      filter.action ?? null,
      after?.ts ?? null,
      after?.id ?? null,
      limit + 1,
    ],
  );
  const page = r.rows.slice(0, limit);
  const lastRow = page[page.length - 1];
  return {
    items: page.map(toLog),
    last: lastRow ? { ts: lastRow.cursor_ts, id: lastRow.id } : null,
    more: r.rows.length > limit,
  };
}

/** One run by id; the pair (id, created_at) is the key, so this probes each partition's key. */
export async function findRun(
  db: Queryable,
  agentId: string,
  logId: string,
): Promise<AgentLog | null> {
  const r = await db.query<LogRow>(
    `select ${LOG_COLUMNS} from agent_logs where id = $1 and agent_id = $2`,
    [logId, agentId],
  );
  return r.rows[0] ? toLog(r.rows[0]) : null;
}

/** Tokens (input + output) and cost an agent used in [start, end), from agent_logs. */
export async function sumUsage(
  db: Queryable,
  agentId: string,
  start: Date,
  end: Date,
): Promise<{ tokens: number; cost: number }> {
  const r = await db.query<{ tokens: number; cost: number }>(
    `select coalesce(sum(coalesce(tokens_input, 0) + coalesce(tokens_output, 0)), 0)::bigint
              as tokens,
            coalesce(sum(cost), 0)::numeric(14, 4) as cost
       from agent_logs
      where agent_id = $1 and created_at >= $2::timestamptz and created_at < $3::timestamptz`,
    [agentId, start, end],
    { name: "agent_usage_sum" },
  );
  return { tokens: Number(r.rows[0].tokens), cost: Number(r.rows[0].cost) };
}
