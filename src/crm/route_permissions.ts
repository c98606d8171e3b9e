// This domain's slice of the route permission table (joined in src/http/route_permissions.ts).
import type { PermissionTable } from "../http/route_permissions.ts";

export const CRM_PERMISSIONS: PermissionTable = {};
