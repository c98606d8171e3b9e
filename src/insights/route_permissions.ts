/**
 * The insights domain's slice of the route permission table. Insights, relationships, the mind
 * map, suggestions and stats are "user" routes: every signed-in user works on their own (the
 * service filters by owner, admins read all, company readers read company-linked insights).
 * Consistency is for admins (`admin` resource, granted only by `{"all": true}`).
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const INSIGHTS_PERMISSIONS: PermissionTable = {
  "POST /api/v1/insights": "user",
  "GET /api/v1/insights": "user",
  "POST /api/v1/insights/audio": "user",
  "GET /api/v1/insights/:id": "user",
  "PUT /api/v1/insights/:id": "user",
  "PATCH /api/v1/insights/:id": "user",
  "DELETE /api/v1/insights/:id": "user",

  "GET /api/v1/relationships/:insight_id": "user",
  "POST /api/v1/relationships": "user",
  "DELETE /api/v1/relationships/:id": "user",
  "GET /api/v1/mindmap/:insight_id": "user",

  "GET /api/v1/suggestions": "user",
  "POST /api/v1/suggestions/:id/feedback": "user",
  "GET /api/v1/stats": "user",

  "GET /api/v1/admin/consistency": ["admin", "read"],
  "POST /api/v1/admin/consistency/repair": ["admin", "update"],
};
