/**
 * The users slice of the route permission table: the admin routes need users/read or
 * users/update.
 *
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const USERS_PERMISSIONS: PermissionTable = {
  "GET /api/v1/users": ["users", "read"],
  "POST /api/v1/users/:id/roles": ["users", "update"],
  "DELETE /api/v1/users/:id/roles/:role": ["users", "update"],
  "POST /api/v1/users/:id/companies": ["users", "update"],
  "DELETE /api/v1/users/:id/companies/:company_id": ["users", "update"],
};
