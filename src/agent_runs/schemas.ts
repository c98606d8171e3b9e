/**
 * Request and response schemas of the agent-runs routes: one agent_logs row per run, the list of
 * runs, and the agent's daily budget.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { isoDateTime, NO_NUL, noNulMessage, PageQuery, trimmedText } from "../shared/openapi.ts";

const LEVELS = ["debug", "info", "warning", "error", "critical"] as const;
const JsonObject = z.record(z.string(), z.unknown());

/** A run as an agent reports it; columns of agent_logs (created_at is the server's clock). */
export const AgentRunSchema = z.strictObject({
  action: trimmedText(100),
  level: z.enum(LEVELS).default("info"),
  task_id: z.string().max(100).regex(NO_NUL, noNulMessage).optional(),
  model_used: z.string().max(50).regex(NO_NUL, noNulMessage).optional(),
  tokens_input: z.number().int().min(0).max(2_000_000_000).default(0),
  tokens_output: z.number().int().min(0).max(2_000_000_000).default(0),
  // decimal(8, 4)
  cost: z.number().min(0).max(9999.9999).default(0),
  duration_ms: z.number().int().min(0).max(2_000_000_000).optional(),
  success: z.boolean().default(true),
  error_message: z.string().max(10_000).regex(NO_NUL, noNulMessage).optional(),
  input_data: JsonObject.optional(),
  output_data: JsonObject.optional(),
  metadata: JsonObject.optional(),
}).openapi("AgentRun");
export type AgentRun = z.infer<typeof AgentRunSchema>;

export const AgentLogSchema = z.object({
  id: z.uuid(),
  agent_id: z.uuid(),
  task_id: z.string().nullable(),
  level: z.enum(LEVELS),
  action: z.string(),
  input_data: JsonObject.nullable(),
  output_data: JsonObject.nullable(),
  model_used: z.string().nullable(),
  tokens_input: z.number().int(),
  tokens_output: z.number().int(),
  cost: z.number(),
  duration_ms: z.number().int().nullable(),
  success: z.boolean(),
  error_message: z.string().nullable(),
  metadata: JsonObject.nullable(),
  created_at: z.string(),
}).openapi("AgentLog");
export type AgentLog = z.infer<typeof AgentLogSchema>;

export const BudgetSchema = z.object({
  agent_id: z.uuid(),
  date: z.string().openapi({ description: "The UTC day the counters cover" }),
  tokens_used: z.number().int(),
  cost: z.number(),
  daily_token_limit: z.number().int().nullable(),
  daily_cost_limit: z.number().nullable(),
  resets_at: z.string().openapi({ description: "Next 00:00 UTC" }),
  source: z.enum(["cache", "rebuilt", "database"]).openapi({
    description: "cache: the counters; rebuilt: recomputed from agent_logs into the cache; " +
      "database: counted from agent_logs. A recorded run's answer is always database (a run " +
      "is admitted on the day's sum from agent_logs, under the agent's lock, whatever the " +
      "cache holds); reading the budget says database only while the cache is unavailable",
  }),
}).openapi("AgentBudget");

export const RecordedRunSchema = AgentLogSchema.extend({ budget: BudgetSchema }).openapi(
  "RecordedAgentRun",
);

export const AgentLogListSchema = z.object({
  items: z.array(AgentLogSchema),
  next_cursor: z.string().nullable(),
}).openapi("AgentLogList");

// Strict, as every list of the API: an unknown parameter is a 422 naming it, not ignored.
export const LogsQuery = z.strictObject({
  from: isoDateTime().optional().openapi({
    description: "Inclusive; default `to` minus 7 days",
  }),
  to: isoDateTime().optional().openapi({
    description: "Exclusive; default now. At most 92 days after `from`",
  }),
  level: z.enum(LEVELS).optional(),
  success: z.enum(["true", "false"]).optional(),
  action: z.string().max(100).regex(NO_NUL, noNulMessage).optional(),
  ...PageQuery,
});

export const AgentParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});
export const AgentLogParam = AgentParam.extend({
  log_id: z.uuid().openapi({ param: { name: "log_id", in: "path" } }),
});
