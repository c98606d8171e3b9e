/**
 * The CRM/ERP domain: CRUD on the business tables of sql/0004-0006, generated from the resource registry.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { CRM_PERMISSIONS } from "./route_permissions.ts";
import { crmRoutes } from "./routes.ts";

export const crmDomain: Domain = {
  name: "crm",
  mount: "/api/v1",
  permissions: CRM_PERMISSIONS,
  routes: crmRoutes,
};
