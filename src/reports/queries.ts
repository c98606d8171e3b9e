/**
 * The SQL of the three reports, the critical reporting queries, exported so that a test
 * can EXPLAIN exactly what the routes run and check that the seed's indexes answer them.
 *
 * @module
 */

/**
 * Open deals per pipeline stage: every stage in board order, with zero where it has no open deal.
 * Seed index: idx_deals_status (+ idx_deals_stage_id) — the aggregate reads only open deals.
 */
export const PIPELINE_SQL = `
select s.id, s.name, s.slug, s.sort_order, s.probability, s.is_won, s.is_lost,
       coalesce(d.deal_count, 0)::int as open_deals,
       coalesce(d.total_value, 0)::numeric(14, 2) as open_value
  from pipeline_stages s
  left join (
    select stage_id, count(*) as deal_count, sum(value) as total_value
      from deals
     where status = 'open'
     group by stage_id
  ) d on d.stage_id = s.id
 order by s.sort_order, s.id`;

/**
 * Confirmed payments per UTC month for paid_at in [$1, $2).
 * Seed index: idx_payments_paid_at — the paid_at range is the index condition. status is
 * compared as text on purpose: that keeps idx_payments_status (a handful of values, a poor
 * filter once most payments are confirmed) out of the plan, which otherwise flips between the two
 * indexes with the statistics of the moment.
 */
export const REVENUE_MONTHLY_SQL = `
select to_char(date_trunc('month', paid_at at time zone 'UTC'), 'YYYY-MM') as month,
       sum(amount)::numeric(14, 2) as total_received,
       count(*)::int as payments
  from payments
 where status::text = 'confirmed'
   and paid_at >= $1::timestamptz
   and paid_at < $2::timestamptz
 group by 1
 order by 1`;

/**
 * Tokens and cost per agent for agent_logs.created_at in [$1, $2) (one UTC day).
 * Seed index: idx_agent_logs_created_at — the range is the index condition, and it is also the
 * partition key, so only that month's partition is read.
 */
export const AGENT_COSTS_SQL = `
select a.id as agent_id, a.name, a.slug,
       l.runs, l.tokens_input, l.tokens_output, l.cost
  from (
    select agent_id,
           count(*)::int as runs,
           coalesce(sum(tokens_input), 0)::bigint as tokens_input,
           coalesce(sum(tokens_output), 0)::bigint as tokens_output,
           coalesce(sum(cost), 0)::numeric(14, 4) as cost
      from agent_logs
     where created_at >= $1::timestamptz
       and created_at < $2::timestamptz
     group by agent_id
  ) l
  join agents a on a.id = l.agent_id
 order by l.cost desc, a.name`;

/** Which index of sql/ each report must be answered from (checked by EXPLAIN in tests). */
export const REPORT_INDEXES = {
  pipeline: { table: "deals", indexes: ["idx_deals_status", "idx_deals_stage_id"] },
  revenueMonthly: { table: "payments", indexes: ["idx_payments_paid_at"] },
  agentCosts: { table: "agent_logs", indexes: ["idx_agent_logs_created_at"] },
} as const;
