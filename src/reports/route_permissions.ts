/**
 * The reports slice of the route permission table: the critical reporting queries, behind
 * reports/read.
 *
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const REPORTS_PERMISSIONS: PermissionTable = {
  "GET /api/v1/reports/pipeline": ["reports", "read"],
  "GET /api/v1/reports/revenue/monthly": ["reports", "read"],
  "GET /api/v1/reports/agents/costs": ["reports", "read"],
};
