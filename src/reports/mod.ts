/**
 * The reports domain: seed 004's critical queries (and, until they are split out, dashboards and
 * agent runs, which its router mounts).
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { REPORTS_PERMISSIONS } from "./route_permissions.ts";
import { reportsRoutes } from "./routes.ts";

export const reportsDomain: Domain = {
  name: "reports",
  mount: "/api/v1",
  permissions: REPORTS_PERMISSIONS,
  routes: reportsRoutes,
};
