/**
 * The reports domain: the critical reporting queries (pipeline by stage, monthly revenue, agent
 * token costs).
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
