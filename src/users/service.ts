/**
 * Administering users: listing them with their grants, granting and revoking roles, linking
 * them to companies. Every change is audited in its transaction, logged as the user's activity,
 * and drops the user's cached grants on every instance.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../audit/record.ts";
import {
  type ActivityAction,
  type AuthContext,
  grantsInvalidation,
  PROFILE_COLUMNS,
  type RoleName,
  toProfile,
  type UserProfile,
} from "../auth/mod.ts";
import { applyAfterCommit, recordInvalidation } from "../caching/invalidation_outbox.ts";
import { conflict, notFound, unprocessable } from "../errors.ts";
import type { Queryable } from "../stores/relational/port.ts";
import { cursorTs, decodeCursor, encodeCursor } from "../shared/keyset_cursor.ts";

/** A user as the admin list shows it. */
export interface AdminUser extends UserProfile {
  roles: string[];
  company_ids: string[];
}

const GRANT_COLUMNS = `
  coalesce((select array_agg(r.name::text order by r.name::text)
              from user_roles ur join roles r on r.id = ur.role_id
             where ur.user_id = u.id), '{}'::text[]) as roles,
  coalesce((select array_agg(cu.company_id::text order by cu.company_id::text)
              from company_users cu
             where cu.user_id = u.id), '{}'::text[]) as company_ids`;

function toAdminUser(row: Record<string, unknown>): AdminUser {
  return {
    ...toProfile(row),
    roles: row.roles as string[],
    company_ids: row.company_ids as string[],
  };
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  role?: RoleName;
  /** Case-insensitive substring of e-mail or full name. */
  q?: string;
}

/** One page of users, newest first, with their roles and companies. */
export async function listUsers(
  db: Queryable,
  query: ListQuery,
): Promise<{ items: AdminUser[]; next_cursor: string | null }> {
  const where = ["u.deleted_at is null"];
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const key = decodeCursor(query.cursor);
  if (key !== null) {
    where.push(`(u.created_at, u.id) < (${param(key.ts)}::timestamptz, ${param(key.id)}::uuid)`);
  }
  if (query.role !== undefined) {
    where.push(`exists (select 1 from user_roles ur join roles r on r.id = ur.role_id
                         where ur.user_id = u.id and r.name = ${param(query.role)}::role_name)`);
  }
  if (query.q !== undefined) {
    const p = param(`%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    where.push(`(u.email ilike ${p} or u.full_name ilike ${p})`);
  }
  const r = await db.query(
    `select ${PROFILE_COLUMNS}, ${GRANT_COLUMNS}, ${cursorTs("u.created_at")} as cursor_ts
       from users u
      where ${where.join(" and ")}
      order by u.created_at desc, u.id desc
      limit ${param(query.limit + 1)}`,
    params,
  );
  const rows = r.rows.slice(0, query.limit);
  const items = rows.map(toAdminUser);
  const last = r.rows[query.limit - 1];
  // The cursor keeps the microseconds: users created in one transaction share a timestamp that a
  // JS Date would round, and the rows between would be skipped.
  const next_cursor = r.rows.length > query.limit && last
    ? encodeCursor({ ts: last.cursor_ts as string, id: last.id as string })
    : null;
  return { items, next_cursor };
}

/** One user with grants; 404 when missing or deleted. */
export async function loadAdminUser(db: Queryable, userId: string): Promise<AdminUser> {
  const r = await db.query(
    `select ${PROFILE_COLUMNS}, ${GRANT_COLUMNS}
       from users u where u.id = $1 and u.deleted_at is null`,
    [userId],
    { name: "admin_user" },
  );
  if (r.rowCount === 0) throw notFound("No such user");
  return toAdminUser(r.rows[0]);
}

/** A grant change: the row written, then the after-commit effects. */
interface Change {
  userId: string;
  action: ActivityAction;
  details: Record<string, unknown>;
  /** The outbox row written with the change (recordGrantChange). */
  owed: string;
}

/** Writes, in the change's transaction, the invalidation it owes every instance's caches. */
function recordGrantChange(tx: Queryable, userId: string): Promise<string> {
  return recordInvalidation(tx, grantsInvalidation(userId));
}

async function afterChange(ctx: AuthContext, actor: AuditActor, change: Change): Promise<void> {
  // Dropped before and after the bump: a load racing the bump could memoise the old grants.
  ctx.grants.drop(change.userId);
  await applyAfterCommit(ctx, grantsInvalidation(change.userId), change.owed);
  ctx.grants.drop(change.userId);
  await ctx.activity.record({
    userId: change.userId,
    action: change.action,
    actor,
    details: change.details,
  });
}

async function auditGrant(
  tx: Queryable,
  actor: AuditActor,
  action: ActivityAction,
  before: AdminUser,
  after: AdminUser,
) {
  await recordAudit(tx, actor, {
    action,
    resourceType: "users",
    resourceId: before.id,
    oldValues: { roles: before.roles, company_ids: before.company_ids },
    newValues: { roles: after.roles, company_ids: after.company_ids },
  });
}

/** Grants `role`; `created` is false when the user already held it (nothing changes). */
export async function grantRole(
  ctx: AuthContext,
  actor: AuditActor,
  userId: string,
  role: RoleName,
): Promise<{ user: AdminUser; created: boolean }> {
  const out = await ctx.db.transaction(async (tx) => {
    const before = await loadAdminUser(tx, userId);
    const r = await tx.query(
      `insert into user_roles (user_id, role_id, granted_by)
       select $1, id, $3 from roles where name = $2::role_name
       on conflict (user_id, role_id) do nothing`,
      [userId, role, actor.userId],
      { name: "admin_role_grant" },
    );
    if (r.rowCount === 0) return { user: before, created: false, owed: "" };
    const after = await loadAdminUser(tx, userId);
    await auditGrant(tx, actor, "role_granted", before, after);
    return { user: after, created: true, owed: await recordGrantChange(tx, userId) };
  });
  if (out.created) {
    await afterChange(ctx, actor, {
      userId,
      action: "role_granted",
      details: { role },
      owed: out.owed,
    });
  }
  return { user: out.user, created: out.created };
}

/** Revokes `role`; 404 when the user does not hold it; 409 when it would leave no admin. */
export async function revokeRole(
  ctx: AuthContext,
  actor: AuditActor,
  userId: string,
  role: RoleName,
): Promise<void> {
  const owed = await ctx.db.transaction(async (tx) => {
    const before = await loadAdminUser(tx, userId);
    if (!before.roles.includes(role)) throw notFound(`The user does not hold the role ${role}`);
    if (role === "admin") {
      // Locks the admin grants so two concurrent revocations cannot both pass this check.
      const admins = await tx.query(
        `select ur.user_id from user_roles ur
           join roles r on r.id = ur.role_id
           join users u on u.id = ur.user_id
          where r.name = 'admin' and u.is_active and u.deleted_at is null
          for update of ur`,
      );
      if (admins.rows.every((a) => a.user_id === userId)) {
        throw conflict("This is the last active admin; grant admin to someone else first");
      }
    }
    await tx.query(
      `delete from user_roles ur using roles r
        where ur.role_id = r.id and ur.user_id = $1 and r.name = $2::role_name`,
      [userId, role],
      { name: "admin_role_revoke" },
    );
    await auditGrant(tx, actor, "role_revoked", before, await loadAdminUser(tx, userId));
    return await recordGrantChange(tx, userId);
  });
  await afterChange(ctx, actor, { userId, action: "role_revoked", details: { role }, owed });
}

/** Links the user to a company; `created` is false when already linked. 422 for no company. */
export async function linkCompany(
  ctx: AuthContext,
  actor: AuditActor,
  userId: string,
  companyId: string,
): Promise<{ user: AdminUser; created: boolean }> {
  const out = await ctx.db.transaction(async (tx) => {
    const before = await loadAdminUser(tx, userId);
    const company = await tx.query(
      "select 1 from companies where id = $1 and deleted_at is null",
      [companyId],
      { name: "admin_company_exists" },
    );
    if (company.rowCount === 0) {
      throw unprocessable("No such company", [{ path: "company_id", message: "does not exist" }]);
    }
    const r = await tx.query(
      `insert into company_users (user_id, company_id) values ($1, $2)
       on conflict (user_id, company_id) do nothing`,
      [userId, companyId],
      { name: "admin_company_link" },
    );
    if (r.rowCount === 0) return { user: before, created: false, owed: "" };
    const after = await loadAdminUser(tx, userId);
    await auditGrant(tx, actor, "company_linked", before, after);
    return { user: after, created: true, owed: await recordGrantChange(tx, userId) };
  });
  if (out.created) {
    await afterChange(ctx, actor, {
      userId,
      action: "company_linked",
      details: { company_id: companyId },
      owed: out.owed,
    });
  }
  return { user: out.user, created: out.created };
}

/** Removes the link; 404 when the user is not linked to that company. */
export async function unlinkCompany(
  ctx: AuthContext,
  actor: AuditActor,
  userId: string,
  companyId: string,
): Promise<void> {
  const owed = await ctx.db.transaction(async (tx) => {
    const before = await loadAdminUser(tx, userId);
    const r = await tx.query(
      "delete from company_users where user_id = $1 and company_id = $2",
      [userId, companyId],
      { name: "admin_company_unlink" },
    );
    if (r.rowCount === 0) throw notFound("The user is not linked to that company");
    await auditGrant(tx, actor, "company_unlinked", before, await loadAdminUser(tx, userId));
    return await recordGrantChange(tx, userId);
  });
  await afterChange(ctx, actor, {
    userId,
    action: "company_unlinked",
    details: { company_id: companyId },
    owed,
  });
}
