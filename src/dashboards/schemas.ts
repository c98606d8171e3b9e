/**
 * Request and response schemas of the dashboards routes (tables of sql/0007_dashboards).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { isoDateTime, PageQuery, trimmedText } from "../shared/openapi.ts";

export const METRIC_FIELDS = [
  "ia_efficiency",
  "model_accuracy",
  "processing_time_ms",
  "memory_usage_mb",
  "error_rate",
] as const;
export type MetricField = typeof METRIC_FIELDS[number];

export const PERIODS = ["24h", "7d", "30d", "all"] as const;
export type Period = typeof PERIODS[number];

/** Most samples one POST may carry. */
export const MAX_SAMPLES_PER_REQUEST = 1000;

export const DashboardSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  user_id: z.uuid(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("Dashboard");

export const DashboardListSchema = z.object({
  items: z.array(DashboardSchema),
  next_cursor: z.string().nullable(),
}).openapi("DashboardList");

const Name = trimmedText(100);
export const DashboardCreateSchema = z.strictObject({ name: Name }).openapi("DashboardCreate");
export const DashboardPatchSchema = z.strictObject({ name: Name }).openapi("DashboardPatch");

const ratio = z.number().min(0).max(1);
const amount = z.number().min(0).max(1e9);

/** One sample, a metric: ratios in [0, 1], time and memory non-negative. */
export const MetricSampleSchema = z.strictObject({
  ia_efficiency: ratio,
  model_accuracy: ratio,
  processing_time_ms: amount,
  memory_usage_mb: amount,
  error_rate: ratio,
  timestamp: isoDateTime().optional().openapi({
    description: "When the sample was taken; now when omitted; at most 5 minutes ahead",
  }),
  periodo: z.enum(["24h", "7d", "30d"]).optional(),
}).openapi("MetricSample");
export type MetricSample = z.infer<typeof MetricSampleSchema>;

export const MetricsIngestSchema = z.union([
  MetricSampleSchema,
  z.array(MetricSampleSchema).min(1).max(MAX_SAMPLES_PER_REQUEST),
]).openapi("MetricsIngest");

export const MetricsIngestResultSchema = z.object({
  dashboard_id: z.uuid(),
  inserted: z.number().int(),
}).openapi("MetricsIngestResult");

/** GET /dashboards: a page; strict, so an unknown parameter is a 422 naming it. */
export const DashboardListQuery = z.strictObject(PageQuery);

// Strict: `?periodo=7d` (the Portuguese field name some clients send) must not silently give the 24h default.
export const MetricsQuery = z.strictObject({
  period: z.enum(PERIODS).default("24h").openapi({
    param: { name: "period", in: "query" },
    description: "Window ending now; `all` is every sample",
  }),
});

const FieldStats = z.object({
  avg: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  p95: z.number().nullable(),
});

const Point = z.object({
  timestamp: z.string(),
  ia_efficiency: z.number(),
  model_accuracy: z.number(),
  processing_time_ms: z.number(),
  memory_usage_mb: z.number(),
  error_rate: z.number(),
  samples: z.number().int().openapi({ description: "Samples averaged into this point" }),
});

export const MetricsSummarySchema = z.object({
  dashboard_id: z.uuid(),
  period: z.enum(PERIODS),
  from: z.string().nullable(),
  to: z.string(),
  count: z.number().int(),
  stats: z.object({
    ia_efficiency: FieldStats,
    model_accuracy: FieldStats,
    processing_time_ms: FieldStats,
    memory_usage_mb: FieldStats,
    error_rate: FieldStats,
  }),
  series: z.array(Point),
  downsampled: z.boolean(),
  bucket_ms: z.number().int().nullable(),
}).openapi("MetricsSummary");
export type MetricsSummary = z.infer<typeof MetricsSummarySchema>;
