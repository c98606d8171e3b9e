/**
 * Runs the report queries and shapes their rows: stage and month lists complete (zeros included),
 * money rounded to the column's scale, totals summed in integer units so no float drift shows.
 *
 * @module
 */
import type { Queryable } from "../stores/relational/port.ts";
import { AGENT_COSTS_SQL, PIPELINE_SQL, REVENUE_MONTHLY_SQL } from "./queries.ts";
import { DAY_MS, monthsBetween, utcDate } from "../shared/utc.ts";

/** Sums decimals with `scale` digits after the point exactly (as integers), returning a number. */
export function sumDecimal(values: readonly number[], scale: number): number {
  const f = 10 ** scale;
  return values.reduce((acc, v) => acc + Math.round(v * f), 0) / f;
}

export type PipelineStageRow = {
  stage_id: string;
  name: string;
  slug: string;
  sort_order: number;
  probability: number | null;
  is_won: boolean;
  is_lost: boolean;
  open_deals: number;
  open_value: number;
};

export type PipelineReport = {
  stages: PipelineStageRow[];
  total_open_deals: number;
  total_open_value: number;
};

/** Open deals count and value per stage, every stage in board order. */
export async function pipelineReport(db: Queryable): Promise<PipelineReport> {
  const r = await db.query<PipelineStageRow & { id: string }>(PIPELINE_SQL, [], {
    name: "report_pipeline",
  });
  const stages = r.rows.map(({ id, ...rest }) => ({
    ...rest,
    stage_id: id,
    probability: rest.probability ?? null,
    is_won: rest.is_won === true,
    is_lost: rest.is_lost === true,
    open_deals: Number(rest.open_deals),
    open_value: Number(rest.open_value),
  }));
  return {
    stages,
    total_open_deals: stages.reduce((a, s) => a + s.open_deals, 0),
    total_open_value: sumDecimal(stages.map((s) => s.open_value), 2),
  };
}

export type RevenueMonth = {
  month: string;
  total_received: number;
  payments: number;
};

export type RevenueReport = {
  from: string;
  to: string;
  months: RevenueMonth[];
  total_received: number;
  payments: number;
};

/** Confirmed payments per UTC month, paid from `fromMs` (a UTC day) to the end of `toMs`'s day. */
export async function revenueMonthly(
  db: Queryable,
  fromMs: number,
  toMs: number,
): Promise<RevenueReport> {
  const r = await db.query<RevenueMonth>(
    REVENUE_MONTHLY_SQL,
    [new Date(fromMs), new Date(toMs + DAY_MS)],
    { name: "report_revenue_monthly" },
  );
  const found = new Map(r.rows.map((row) => [row.month, row]));
  const months = monthsBetween(fromMs, toMs).map((month) => {
    const row = found.get(month);
    return {
      month,
      total_received: row ? Number(row.total_received) : 0,
      payments: row ? Number(row.payments) : 0,
    };
  });
  return {
    from: utcDate(fromMs),
    to: utcDate(toMs),
    months,
    total_received: sumDecimal(months.map((m) => m.total_received), 2),
    payments: months.reduce((a, m) => a + m.payments, 0),
  };
}

export type AgentCostRow = {
  agent_id: string;
  name: string;
  slug: string;
  runs: number;
  tokens_input: number;
  tokens_output: number;
  tokens_total: number;
  cost: number;
};

export type AgentCostsReport = {
  date: string;
  agents: AgentCostRow[];
  totals: { runs: number; tokens_input: number; tokens_output: number; cost: number };
};

/** Tokens and cost per agent over the UTC day starting at `dayMs`; agents without runs omitted. */
export async function agentCosts(db: Queryable, dayMs: number): Promise<AgentCostsReport> {
  const r = await db.query<Omit<AgentCostRow, "tokens_total">>(
    AGENT_COSTS_SQL,
    [new Date(dayMs), new Date(dayMs + DAY_MS)],
    { name: "report_agent_costs" },
  );
  const agents = r.rows.map((row) => {
    const tokens_input = Number(row.tokens_input);
    const tokens_output = Number(row.tokens_output);
    return {
      agent_id: row.agent_id,
      name: row.name,
      slug: row.slug,
      runs: Number(row.runs),
      tokens_input,
      tokens_output,
      tokens_total: tokens_input + tokens_output,
      cost: Number(row.cost),
    };
  });
  return {
    date: utcDate(dayMs),
    agents,
    totals: {
      runs: agents.reduce((a, x) => a + x.runs, 0),
      tokens_input: agents.reduce((a, x) => a + x.tokens_input, 0),
      tokens_output: agents.reduce((a, x) => a + x.tokens_output, 0),
      cost: sumDecimal(agents.map((x) => x.cost), 4),
    },
  };
}
