/**
 * The agent-runs domain: recording an agent's runs against its daily token and cost budget, and
 * reading runs and budgets back.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { AGENT_RUNS_PERMISSIONS } from "./route_permissions.ts";
import { agentRunsRoutes } from "./routes.ts";

export const agentRunsDomain: Domain = {
  name: "agent_runs",
  mount: "/api/v1",
  permissions: AGENT_RUNS_PERMISSIONS,
  routes: agentRunsRoutes,
};
