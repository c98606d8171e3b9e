/**
 * The agent-runs slice of the route permission table. Recording a run needs agent_logs/create, a
 * narrower grant than agents/create (which would also let the AI service account create agents);
 * migration 0012 gives it to agente_ia.
 *
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const AGENT_RUNS_PERMISSIONS: PermissionTable = {
  "POST /api/v1/agents/:id/logs": ["agent_logs", "create"],
  "GET /api/v1/agents/:id/logs": ["agents", "read"],
  "GET /api/v1/agents/:id/logs/:log_id": ["agents", "read"],
  "GET /api/v1/agents/:id/budget": ["agents", "read"],
};
