// This domain's slice of the route permission table (joined in src/http/route_permissions.ts):
// the auth routes and the admin user routes of src/users.
import type { PermissionTable } from "../http/route_permissions.ts";
import { USERS_PERMISSIONS } from "../users/route_permissions.ts";

export const AUTH_PERMISSIONS: PermissionTable = {
  "POST /api/v1/auth/register": "public",
  "POST /api/v1/auth/login": "public",
  "POST /api/v1/auth/refresh": "public",
  "POST /api/v1/auth/logout": "user",
  "GET /api/v1/auth/me": "user",
  "POST /api/v1/auth/password": "user",
  "GET /api/v1/auth/sessions": "user",
  "DELETE /api/v1/auth/sessions/:id": "user",
  ...USERS_PERMISSIONS,
};
