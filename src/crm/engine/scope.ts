/**
 * Which rows a caller may reach: never soft-deleted ones, only their own where the resource has an
 * owner column, and, for company-scoped callers (cliente), only rows of their companies. A row out
 * of reach is answered as missing (404), so its existence does not leak.
 *
 * @module
 */
import type { Principal } from "../../auth/mod.ts";
import { forbidden, notFound } from "../../errors.ts";
import type { Queryable } from "../../stores/relational/port.ts";
import type { Resource } from "../resource.ts";
import { col, ident, Params, uuidList } from "./sql.ts";

/** The caller as the engine needs it. */
export interface Caller {
  userId: string;
  /** Companies the caller is limited to, or null when not company-scoped. */
  companyIds: readonly string[] | null;
}

/**
 * A user holding `cliente` is company-scoped unless they are also `admin`: the narrower reading
 * wins when roles are mixed, so a grant from another role never widens a client's view.
 */
export function callerOf(p: Pick<Principal, "userId" | "roles" | "companyIds">): Caller {
  const scoped = p.roles.includes("cliente") && !p.roles.includes("admin");
  return { userId: p.userId, companyIds: scoped ? p.companyIds : null };
}

/** SQL conditions (on alias t) limiting `res` to what `caller` may reach. */
export function visibility(res: Resource, caller: Caller, params: Params): string[] {
  const out: string[] = [];
  if (res.softDelete) out.push(`${col("deleted_at")} is null`);
  // A caller's own rows (notifications) are theirs whatever company they belong to.
  if (res.owner) out.push(`${col(res.owner)} = ${params.add(caller.userId)}`);
  else if (caller.companyIds !== null) out.push(companyCondition(res, caller.companyIds, params));
  return out;
}

function companyCondition(res: Resource, ids: readonly string[], params: Params): string {
  const path = res.company;
  // A table with no way to a company is not for company-scoped callers at all.
  if (!path) throw forbidden(`${res.path} is not available to company-scoped users`);
  const list = uuidList(params, ids);
  if (!("via" in path)) return `${col(path.column)} = any(${list})`;
  return `${col(path.column)} in (select id from ${ident(path.via.table)} where ${
    ident(path.via.column)
  } = any(${list}))`;
}

/** A nested resource's parent: its resource and the id from the path. */
export interface ParentRef {
  res: Resource;
  id: string;
}

/** 404 unless the parent row exists and the caller may see it. */
export async function assertParent(db: Queryable, parent: ParentRef, caller: Caller) {
  const params = new Params();
  const where = [`t.id = ${params.add(parent.id)}`, ...visibility(parent.res, caller, params)];
  const r = await db.query(
    `select 1 from ${ident(parent.res.table)} t where ${where.join(" and ")}`,
    params.values,
  );
  if (r.rowCount === 0) throw notFound(`No ${parent.res.name} with id ${parent.id}`);
}
