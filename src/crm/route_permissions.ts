/**
 * This domain's slice of the route permission table (joined in src/http/route_permissions.ts),
 * generated from the resource registry so a route and its permission cannot drift apart. The map
 * of tables to permission resources is explained in README (Permissions).
 *
 * @module
 */
import type { PermissionTable, RoutePermission } from "../http/route_permissions.ts";
import { MARK_READ_PERMISSION } from "./notifications.ts";
import { collectionPath, honoPath, itemPath } from "./paths.ts";
import { RESOURCES } from "./registry/mod.ts";
import type { Op, Resource } from "./resource.ts";

const ROUTES: Record<Op, { method: string; path: (r: Resource) => string }> = {
  list: { method: "GET", path: collectionPath },
  create: { method: "POST", path: collectionPath },
  read: { method: "GET", path: itemPath },
  update: { method: "PATCH", path: itemPath },
  delete: { method: "DELETE", path: itemPath },
};

/** "METHOD /api/v1/path" -> permission for every operation of `resources`. */
export function permissionTable(resources: readonly Resource[]): PermissionTable {
  const out: Record<string, RoutePermission> = {};
  for (const res of resources) {
    for (const op of res.ops) {
      const { method, path } = ROUTES[op];
      out[`${method} ${honoPath(path(res))}`] = res.permissionFor(op);
    }
  }
  return out;
}

export const CRM_PERMISSIONS: PermissionTable = {
  ...permissionTable(RESOURCES),
  ...MARK_READ_PERMISSION,
};
