/**
 * The AI agents registry (CRUD only; runs, budgets and /agents/{id}/logs live elsewhere). Usage
 * counters are maintained by the agent-log service, so clients cannot write them.
 *
 * @module
 */
import {
  createdAt,
  decimal,
  idColumn,
  int,
  jsonObject,
  oneOf,
  slug,
  text,
  timestamp,
  updatedAt,
  uuid,
} from "../columns.ts";
import { defineResource } from "../resource.ts";

export const agents = defineResource({
  table: "agents",
  path: "agents",
  name: "Agent",
  tag: "agents",
  permission: "agents",
  columns: {
    id: idColumn(),
    name: text(100).required(),
    slug: slug().required(),
    crew: text(50).required(),
    description: text(),
    persona: text(),
    model_primary: text(50).required(),
    model_fallback: text(50),
    status: oneOf(["active", "paused", "disabled", "error"]).notNull(),
    config: jsonObject().notNull(),
    daily_token_limit: int(0),
    daily_action_limit: int(0),
    daily_cost_limit: decimal(8, 2, 0),
    monthly_cost_limit: decimal(8, 2, 0),
    total_tokens_used: int().readOnly(),
    total_cost: decimal(12, 2).readOnly(),
    last_run_at: timestamp().readOnly(),
    error_message: text(),
    // The agent's service account (an agente_ia user): audit rows of its changes name this agent.
    user_id: uuid().references("users"),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  filters: { status: "eq", crew: "eq", slug: "eq", user_id: "eq", created_at: "range" },
  sorts: ["created_at", "updated_at", "name"],
  defaultSort: "-created_at",
});
