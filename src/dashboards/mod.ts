/**
 * The dashboards domain: each user's dashboards, their metric samples and the cached
 * period summaries.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { DASHBOARDS_PERMISSIONS } from "./route_permissions.ts";
import { dashboardsRoutes } from "./routes.ts";

export const dashboardsDomain: Domain = {
  name: "dashboards",
  mount: "/api/v1",
  permissions: DASHBOARDS_PERMISSIONS,
  routes: dashboardsRoutes,
};
