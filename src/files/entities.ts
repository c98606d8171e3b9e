/**
 * What a file may be attached to, and who may reach it: each entity type names its table, the CRM
 * permission resource that guards it, and how its rows lead to a company. Reading a file needs
 * `read` on its entity, attaching or deleting one needs `update`; a company-scoped caller
 * (`cliente`) reaches only rows of its companies, and avatars belong to their user alone.
 *
 * @module
 */
import { forbidden, notFound } from "../errors.ts";
import { type Action, grants, type Principal } from "../auth/mod.ts";
import type { Queryable } from "../stores/relational/port.ts";

/** How an entity's rows reach a company: a column of its own, or one through a parent table. */
type CompanyPath =
  | { column: string }
  | { column: string; via: { table: string; column: string } };

export interface EntityKind {
  table: string;
  /** The permission resource of the CRM routes over that table. */
  resource: string;
  /** Absent: no company, so company-scoped callers never reach these files. */
  company?: CompanyPath;
  softDelete: boolean;
}

const viaProject = { column: "project_id", via: { table: "projects", column: "company_id" } };

/** Entity types files attach to (the key's `{entity_type}` segment). */
export const ENTITIES: Readonly<Record<string, EntityKind>> = {
  company: {
    table: "companies",
    resource: "contacts",
    company: { column: "id" },
    softDelete: true,
  },
  contact: {
    table: "contacts",
    resource: "contacts",
    company: { column: "company_id" },
    softDelete: true,
  },
  lead: { table: "leads", resource: "leads", company: { column: "company_id" }, softDelete: false },
  deal: { table: "deals", resource: "deals", company: { column: "company_id" }, softDelete: false },
  contract: {
    table: "contracts",
    resource: "contracts",
    company: { column: "company_id" },
    softDelete: false,
  },
  invoice: {
    table: "invoices",
    resource: "invoices",
    company: { column: "company_id" },
    softDelete: false,
  },
  payment: {
    table: "payments",
    resource: "finance",
    company: { column: "invoice_id", via: { table: "invoices", column: "company_id" } },
    softDelete: false,
  },
  expense: { table: "expenses", resource: "finance", softDelete: false },
  project: {
    table: "projects",
    resource: "projects",
    company: { column: "company_id" },
    softDelete: false,
  },
  task: { table: "tasks", resource: "projects", company: viaProject, softDelete: false },
  content_piece: { table: "content_pieces", resource: "content", softDelete: false },
  social_post: { table: "social_posts", resource: "content", softDelete: false },
  agent: { table: "agents", resource: "agents", softDelete: false },
  /** Avatars: the user's own, whatever their roles. */
  user: { table: "users", resource: "", softDelete: true },
};

export const ENTITY_TYPES = Object.keys(ENTITIES) as [string, ...string[]];

/** Buckets a company-scoped caller may read from: its contracts and its invoices' receipts. */
const COMPANY_SCOPED_BUCKETS = new Set(["contracts", "receipts"]);

/** A `cliente` without `admin` is limited to its companies (the CRM's narrower reading). */
export function companyScope(p: Pick<Principal, "roles" | "companyIds">): string[] | null {
  return p.roles.includes("cliente") && !p.roles.includes("admin") ? p.companyIds : null;
}

/**
 * Refuses unless `principal` may `action` the entity: 403 when its roles do not grant it, 404
 * when the row does not exist or lies outside the caller's companies (its existence not leaked).
 * `bucket` is where the file is or goes: company-scoped callers reach only contracts and receipts.
 */
export async function assertEntityAccess(
  db: Queryable,
  principal: Principal,
  entityType: string,
  entityId: string,
  action: Action,
  bucket: string,
): Promise<void> {
  const kind = Object.hasOwn(ENTITIES, entityType) ? ENTITIES[entityType] : undefined;
  if (kind === undefined) throw notFound(`No entity type ${entityType}`);
  if (entityType === "user") {
    // Avatars are public to read; writing one is the user's own business.
    if (action !== "read" && entityId !== principal.userId) {
      throw forbidden("Only the user may change their own avatar");
    }
    if (bucket !== "avatars") throw forbidden("User files are avatars");
    return;
  }
  if (bucket === "avatars") throw forbidden("The avatars bucket holds only user pictures");
  if (!grants(principal.permissions, kind.resource, action)) {
    throw forbidden(`Your roles do not grant ${action} on ${kind.resource}`);
  }
  const scope = companyScope(principal);
  if (scope !== null && !COMPANY_SCOPED_BUCKETS.has(bucket)) {
    throw notFound(`No ${entityType} file here`);
  }
  const params: unknown[] = [entityId];
  const where = ["t.id = $1"];
  if (kind.softDelete) where.push("t.deleted_at is null");
  if (scope !== null) {
    if (!kind.company) throw notFound(`No ${entityType} with id ${entityId}`);
    params.push(scope);
    const path = kind.company;
    where.push(
      "via" in path
        ? `t.${path.column} in (select id from ${path.via.table} where ${path.via.column} = any($2::uuid[]))`
        : `t.${path.column} = any($2::uuid[])`,
    );
  }
  const r = await db.query(`select 1 from ${kind.table} t where ${where.join(" and ")}`, params);
  if (r.rowCount === 0) throw notFound(`No ${entityType} with id ${entityId}`);
}
