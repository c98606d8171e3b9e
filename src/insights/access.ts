/**
 * Who may see and change an insight: its owner always, admins everything, and a caller whose
 * grants read companies any insight linked to a company (a `cliente` only its own companies').
 * Out of reach reads as missing (404), so an insight's existence never leaks.
 * @module
 */
import { grants, type Principal } from "../auth/mod.ts";
import type { Filter } from "../stores/documents/port.ts";

export type Caller = Pick<Principal, "userId" | "roles" | "permissions" | "companyIds">;

export const isAdmin = (p: Caller) => p.permissions.all === true;

/**
 * The companies a caller may read insights of: a `cliente` its own companies (company_users);
 * others every company when their grants read companies (the CRM guards companies with the
 * `contacts` resource), else none.
 */
function companyReach(p: Caller): "all" | readonly string[] {
  const scoped = p.roles.includes("cliente") && !p.roles.includes("admin");
  if (scoped) return p.companyIds;
  return grants(p.permissions, COMPANY_RESOURCE, "read") ? "all" : [];
}

/** The permission resource the CRM reads companies with (src/crm/registry/crm.ts). */
const COMPANY_RESOURCE = "contacts";

export function canRead(p: Caller, doc: { owner_id: string; company_id: string | null }): boolean {
  if (doc.owner_id === p.userId || isAdmin(p)) return true;
  if (doc.company_id === null) return false;
  const reach = companyReach(p);
  return reach === "all" || reach.includes(doc.company_id);
}

/** Only the owner (or an admin) changes an insight; company readers only read. */
export const canWrite = (p: Caller, doc: { owner_id: string }) =>
  doc.owner_id === p.userId || isAdmin(p);

/** The documents filter of every live insight `p` may read. */
export function readableFilter(p: Caller): Filter {
  const live = { deleted_at: null };
  if (isAdmin(p)) return live;
  const reach = companyReach(p);
  const mine = { owner_id: p.userId };
  if (reach === "all") return { ...live, $or: [mine, { company_id: { $ne: null } }] };
  if (reach.length === 0) return { ...live, ...mine };
  return { ...live, $or: [mine, { company_id: { $in: [...reach] } }] };
}
