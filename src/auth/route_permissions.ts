/**
 * The auth slice of the route permission table: sign-up and sign-in are public, the rest needs
 * any signed-in user acting on their own account.
 *
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const AUTH_PERMISSIONS: PermissionTable = {
  "POST /api/v1/auth/register": "public",
  "POST /api/v1/auth/login": "public",
  "POST /api/v1/auth/refresh": "public",
  "POST /api/v1/auth/logout": "user",
  "GET /api/v1/auth/me": "user",
  "POST /api/v1/auth/password": "user",
  "GET /api/v1/auth/sessions": "user",
  "DELETE /api/v1/auth/sessions/:id": "user",
};
