/**
 * A dashboard's metrics over a period: per-field avg, min, max and p95 (percentile_cont, as the
 * database computes it) and a series of at most MAX_POINTS points, averaged into equal time
 * buckets when there are more samples. Cached 5 minutes per owner, dashboard and period.
 *
 * @module
 */
import type { ReadThroughCache } from "../caching/read_through.ts";
import type { Queryable } from "../stores/relational/port.ts";
import { cursorTs } from "../shared/keyset_cursor.ts";
import {
  METRIC_FIELDS,
  type MetricsSummary,
  MetricsSummarySchema,
  type Period,
} from "./schemas.ts";

/** Most points a series carries; a chart needs no more, and it bounds the cached value. */
export const MAX_POINTS = 1000;
export const SUMMARY_TTL_MS = 5 * 60 * 1000;

const PERIOD_MS: Record<Exclude<Period, "all">, number> = {
  "24h": 24 * 3_600_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

/** Seed 004's `dashboard:{user_id}:summary`, narrowed per dashboard and period. */
export const summaryKey = (userId: string, dashboardId: string, period: Period) =>
  `dashboard:${userId}:summary:${dashboardId}:${period}`;
/** Every summary of a user's dashboards: dropped when any of them gets samples. */
export const summaryPrefix = (userId: string) => `dashboard:${userId}:summary`;

const statColumns = METRIC_FIELDS.map((f) =>
  `avg(${f}) as ${f}_avg, min(${f}) as ${f}_min, max(${f}) as ${f}_max,
   percentile_cont(0.95) within group (order by ${f}) as ${f}_p95`
).join(",\n");

/** Count, span and per-field statistics of one dashboard's samples since $2. */
export const STATS_SQL = `
select count(*)::int as count,
       (extract(epoch from min("timestamp")) * 1000)::float8 as first_ms,
       (extract(epoch from max("timestamp")) * 1000)::float8 as last_ms,
       ${statColumns}
  from metrics
 where dashboard_id = $1 and "timestamp" >= $2::timestamptz`;

const pointColumns = METRIC_FIELDS.join(", ");

const RAW_SERIES_SQL = `
select ${cursorTs('"timestamp"')} as timestamp, ${pointColumns}, 1 as samples
  from metrics
 where dashboard_id = $1 and "timestamp" >= $2::timestamptz
 order by "timestamp", id
 limit ${MAX_POINTS}`;

// Buckets start at the first sample, so with width > span / MAX_POINTS there are at most
// MAX_POINTS of them.
const BUCKET_SERIES_SQL = `
select ${cursorTs("b")} as timestamp,
       ${METRIC_FIELDS.map((f) => `avg(${f}) as ${f}`).join(", ")},
       count(*)::int as samples
  from (
    select date_bin(make_interval(secs => $3::float8 / 1000), "timestamp", $4::timestamptz) as b,
           ${pointColumns}
      from metrics
     where dashboard_id = $1 and "timestamp" >= $2::timestamptz
  ) s
 group by b
 order by b`;

type StatsRow = Record<string, number | null> & { count: number };

/** Computes the summary from the database; `nowMs` ends the window. */
export async function computeSummary(
  db: Queryable,
  dashboardId: string,
  period: Period,
  nowMs: number,
): Promise<MetricsSummary> {
  const fromMs = period === "all" ? null : nowMs - PERIOD_MS[period];
  const since = fromMs === null ? "-infinity" : new Date(fromMs).toISOString();
  const stats = (await db.query<StatsRow>(STATS_SQL, [dashboardId, since], {
    name: "metrics_stats",
  })).rows[0];
  const count = Number(stats.count);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const perField = Object.fromEntries(METRIC_FIELDS.map((f) => [f, {
    avg: num(stats[`${f}_avg`]),
    min: num(stats[`${f}_min`]),
    max: num(stats[`${f}_max`]),
    p95: num(stats[`${f}_p95`]),
  }])) as MetricsSummary["stats"];

  let bucketMs: number | null = null;
  let rows: Record<string, unknown>[] = [];
  if (count > MAX_POINTS) {
    const first = Number(stats.first_ms);
    const span = Number(stats.last_ms) - first;
    bucketMs = Math.max(1, Math.ceil((span + 1) / MAX_POINTS));
    rows = (await db.query(
      BUCKET_SERIES_SQL,
      [dashboardId, since, bucketMs, new Date(first).toISOString()],
      { name: "metrics_series_buckets" },
    )).rows;
  } else if (count > 0) {
    rows = (await db.query(RAW_SERIES_SQL, [dashboardId, since], { name: "metrics_series_raw" }))
      .rows;
  }
  const series = rows.map((r) => ({
    timestamp: String(r.timestamp),
    ia_efficiency: Number(r.ia_efficiency),
    model_accuracy: Number(r.model_accuracy),
    processing_time_ms: Number(r.processing_time_ms),
    memory_usage_mb: Number(r.memory_usage_mb),
    error_rate: Number(r.error_rate),
    samples: Number(r.samples),
  }));
  return {
    dashboard_id: dashboardId,
    period,
    from: fromMs === null ? null : new Date(fromMs).toISOString(),
    to: new Date(nowMs).toISOString(),
    count,
    stats: perField,
    series,
    downsampled: bucketMs !== null,
    bucket_ms: bucketMs,
  };
}

export interface SummaryDeps {
  db: Queryable;
  cached: ReadThroughCache;
}

/**
 * The summary through the read-through cache: a hit is two GETs; a miss, a stale generation or a
 * cache outage computes it from the database (never a wrong or failed answer).
 */
export async function cachedSummary(
  deps: SummaryDeps,
  userId: string,
  dashboardId: string,
  period: Period,
  nowMs: number,
): Promise<{ summary: MetricsSummary; hit: boolean }> {
  const { value, hit } = await deps.cached.get(
    summaryPrefix(userId),
    summaryKey(userId, dashboardId, period),
    SUMMARY_TTL_MS,
    MetricsSummarySchema,
    () => computeSummary(deps.db, dashboardId, period, nowMs),
    { local: true },
  );
  return { summary: value, hit };
}

/** Makes every cached summary of `userId`'s dashboards stale (owed and retried if the cache is down). */
export async function invalidateSummaries(deps: SummaryDeps, userId: string): Promise<void> {
  await deps.cached.invalidate(summaryPrefix(userId), { prefix: summaryPrefix(userId) });
}
