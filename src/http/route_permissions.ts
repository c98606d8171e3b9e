/**
 * The one table mapping every route to the permission it needs. Each domain keeps its slice
 * beside its routes; this module joins them, and tests/http/route_permissions_test.ts walks the
 * app's routes and fails when any route is missing here. The guard refuses unlisted routes.
 *
 * @module
 */
import type { Action } from "../auth/mod.ts";

/**
 * - "public": anyone, no token;
 * - "user": any signed-in user, acting on their own data (profile, sessions, insights,
 *   notifications);
 * - [resource, action]: the caller's roles must grant it (roles.permissions, sql/0009_reference_data).
 */
export type RoutePermission = "public" | "user" | readonly [resource: string, action: Action];

/** Keys are "METHOD /path" in Hono's syntax, e.g. "GET /api/v1/companies/:id". */
export type PermissionTable = Readonly<Record<string, RoutePermission>>;

export const SYSTEM_PERMISSIONS: PermissionTable = {
  "GET /health": "public",
  "GET /ready": "public",
  "GET /metrics": "public",
  "GET /openapi.json": "public",
  "GET /docs": "public",
  // The URL's own signature is the credential (src/files/signed_url_routes.ts).
  "GET /api/v1/objects/signed/:bucket/:key{.+}": "public",
  "PUT /api/v1/objects/signed/:bucket/:key{.+}": "public",
};

/** Joins the domain slices into one table, refusing a route listed twice. */
export function joinPermissionTables(...tables: PermissionTable[]): PermissionTable {
  const out: Record<string, RoutePermission> = {};
  for (const table of tables) {
    for (const [route, perm] of Object.entries(table)) {
      if (route in out) throw new Error(`route ${route} is listed twice in the permission table`);
      out[route] = perm;
    }
  }
  return out;
}
