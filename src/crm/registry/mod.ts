/**
 * Every table resource the CRM/ERP API serves, in the order /openapi.json lists them.
 *
 * @module
 */
import type { Resource } from "../resource.ts";
import { agents } from "./agents.ts";
import { contentPieces, socialPosts } from "./content.ts";
import {
  companies,
  contacts,
  contracts,
  deals,
  leadInteractions,
  leads,
  pipelineStages,
} from "./crm.ts";
import { budgets, expenses, invoices, payments, suppliers } from "./finance.ts";
import { equipment, projects, sprints, tasks } from "./projects.ts";
import { auditLogs, notifications } from "./system.ts";

export { auditLogs, notifications };

export const RESOURCES: readonly Resource[] = [
  companies,
  contacts,
  leads,
  leadInteractions,
  pipelineStages,
  deals,
  contracts,
  projects,
  sprints,
  tasks,
  equipment,
  invoices,
  payments,
  expenses,
  suppliers,
  budgets,
  contentPieces,
  socialPosts,
  agents,
  notifications,
  auditLogs,
];

/** The resource whose table is `table`. */
export function resourceByTable(table: string): Resource {
  const r = RESOURCES.find((x) => x.table === table);
  if (!r) throw new Error(`no resource for table ${table}`);
  return r;
}

/**
 * Tables whose rows are soft-deleted: a write may not reference such a row once deleted. users is
 * not served here but has deleted_at too.
 */
export const SOFT_DELETE_TABLES: ReadonlySet<string> = new Set([
  "users",
  ...RESOURCES.filter((r) => r.softDelete).map((r) => r.table),
]);
