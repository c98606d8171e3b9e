/**
 * The dashboards slice of the route permission table. Dashboards need the `dashboard`
 * resource (diretor holds it; admin holds all), so a user with no role or a cliente has none;
 * within it each user manages only their own (another user's answers 404). Posting samples needs
 * dashboard/update.
 *
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const DASHBOARDS_PERMISSIONS: PermissionTable = {
  "GET /api/v1/dashboards": ["dashboard", "read"],
  "POST /api/v1/dashboards": ["dashboard", "create"],
  "GET /api/v1/dashboards/:id": ["dashboard", "read"],
  "PATCH /api/v1/dashboards/:id": ["dashboard", "update"],
  "DELETE /api/v1/dashboards/:id": ["dashboard", "delete"],
  "POST /api/v1/dashboards/:id/metrics": ["dashboard", "update"],
  "GET /api/v1/dashboards/:id/metrics": ["dashboard", "read"],
};
