// This domain's slice of the route permission table (joined in src/http/route_permissions.ts):
// reports, dashboards and agent runs. Dashboards need seed 004's `dashboard` resource (diretor
// holds it; admin holds all), so a user with no role or a cliente has none; within it each user
// manages only their own (another user's answers 404). Posting samples needs dashboard/update.
// Recording a run needs agent_logs/create, a narrower grant than agents/create (which would also
// let the AI service account create agents); migration 0012 gives it to agente_ia.
import type { PermissionTable } from "../http/route_permissions.ts";

export const REPORTS_PERMISSIONS: PermissionTable = {
  "GET /api/v1/reports/pipeline": ["reports", "read"],
  "GET /api/v1/reports/revenue/monthly": ["reports", "read"],
  "GET /api/v1/reports/agents/costs": ["reports", "read"],

  "GET /api/v1/dashboards": ["dashboard", "read"],
  "POST /api/v1/dashboards": ["dashboard", "create"],
  "GET /api/v1/dashboards/:id": ["dashboard", "read"],
  "PATCH /api/v1/dashboards/:id": ["dashboard", "update"],
  "DELETE /api/v1/dashboards/:id": ["dashboard", "delete"],
  "POST /api/v1/dashboards/:id/metrics": ["dashboard", "update"],
  "GET /api/v1/dashboards/:id/metrics": ["dashboard", "read"],

  "POST /api/v1/agents/:id/logs": ["agent_logs", "create"],
  "GET /api/v1/agents/:id/logs": ["agents", "read"],
  "GET /api/v1/agents/:id/logs/:log_id": ["agents", "read"],
  "GET /api/v1/agents/:id/budget": ["agents", "read"],
};
