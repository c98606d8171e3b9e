// This domain's slice of the route permission table (joined in src/http/route_permissions.ts):
// reports, dashboards and agent runs. Dashboards are "user": each user manages only their own
// (another user's answers 404). Recording a run needs agent_logs/create, a narrower grant than
// agents/create (which would also let the AI service account create agents); migration 0012
// gives it to agente_ia.
import type { PermissionTable } from "../http/route_permissions.ts";

export const REPORTS_PERMISSIONS: PermissionTable = {
  "GET /api/v1/reports/pipeline": ["reports", "read"],
  "GET /api/v1/reports/revenue/monthly": ["reports", "read"],
  "GET /api/v1/reports/agents/costs": ["reports", "read"],

  "GET /api/v1/dashboards": "user",
  "POST /api/v1/dashboards": "user",
  "GET /api/v1/dashboards/:id": "user",
  "PATCH /api/v1/dashboards/:id": "user",
  "DELETE /api/v1/dashboards/:id": "user",
  "POST /api/v1/dashboards/:id/metrics": "user",
  "GET /api/v1/dashboards/:id/metrics": "user",

  "POST /api/v1/agents/:id/logs": ["agent_logs", "create"],
  "GET /api/v1/agents/:id/logs": ["agents", "read"],
  "GET /api/v1/agents/:id/logs/:log_id": ["agents", "read"],
  "GET /api/v1/agents/:id/budget": ["agents", "read"],
};
