/**
 * Request and response schemas of the report routes (zod, so /openapi.json describes them).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { parseIsoDate } from "../shared/utc.ts";

/** A calendar date YYYY-MM-DD that exists (2026-02-30 is refused). */
export const IsoDate = z.string().refine((s) => parseIsoDate(s) !== null, {
  message: "must be a date YYYY-MM-DD",
}).openapi({ example: "2026-01-31", format: "date" });

// Report queries are strict, as every list of the API: an unknown parameter is a 422 naming it.

/** GET /reports/pipeline takes no parameters. */
export const PipelineQuery = z.strictObject({});

export const RevenueQuery = z.strictObject({
  from: IsoDate.openapi({ param: { name: "from", in: "query" }, example: "2026-01-01" }),
  to: IsoDate.openapi({ param: { name: "to", in: "query" }, example: "2026-06-30" }),
});

export const AgentCostsQuery = z.strictObject({
  date: IsoDate.optional().openapi({
    param: { name: "date", in: "query" },
    description: "UTC day; today when omitted",
  }),
});

export const PipelineReportSchema = z.object({
  stages: z.array(z.object({
    stage_id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    sort_order: z.number().int(),
    probability: z.number().int().nullable(),
    is_won: z.boolean(),
    is_lost: z.boolean(),
    open_deals: z.number().int(),
    open_value: z.number(),
  })),
  total_open_deals: z.number().int(),
  total_open_value: z.number(),
}).openapi("PipelineReport");

export const RevenueReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  months: z.array(z.object({
    month: z.string().openapi({ example: "2026-01" }),
    total_received: z.number(),
    payments: z.number().int(),
  })),
  total_received: z.number(),
  payments: z.number().int(),
}).openapi("RevenueReport");

export const AgentCostsReportSchema = z.object({
  date: z.string(),
  agents: z.array(z.object({
    agent_id: z.uuid(),
    name: z.string(),
    slug: z.string(),
    runs: z.number().int(),
    tokens_input: z.number().int(),
    tokens_output: z.number().int(),
    tokens_total: z.number().int(),
    cost: z.number(),
  })),
  totals: z.object({
    runs: z.number().int(),
    tokens_input: z.number().int(),
    tokens_output: z.number().int(),
    cost: z.number(),
  }),
}).openapi("AgentCostsReport");
