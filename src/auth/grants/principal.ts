/**
 * Who is calling: the signed-in user's id, roles, merged permissions and (for `cliente` users)
 * the companies whose rows they may see. Loaded from the relational store, cached 15 minutes
 * under user:{id}:permissions, and dropped on every instance when roles change.
 *
 * @module
 */
import { z } from "zod";
import type { Queryable } from "../../stores/relational/port.ts";
import { ALL_NAMESPACES, type ReadThroughCache } from "../../caching/read_through.ts";
import type { Invalidation } from "../../caching/invalidation_outbox.ts";
import type { GrantsMemo } from "./grants_memo.ts";
import { mergePermissions, type PermissionSet, PermissionSetSchema } from "./permissions.ts";

export interface Principal {
  userId: string;
  /** Access-token id, for logout. */
  jti: string;
  /** Access-token expiry, seconds since the epoch. */
  exp: number;
  /** The session (refresh-token family) the access token was issued with, when it has one. */
  sessionId?: string;
  roles: string[];
  permissions: PermissionSet;
  /** Companies a `cliente` user is linked to (company_users). */
  companyIds: string[];
}

export type Grants = Pick<Principal, "roles" | "permissions" | "companyIds">;

const GrantsSchema = z.object({
  roles: z.array(z.string()),
  permissions: PermissionSetSchema,
  companyIds: z.array(z.string()),
});

export const PERMISSIONS_TTL_MS = 15 * 60 * 1000;
export const permissionsKey = (userId: string) => `user:${userId}:permissions`;
/** Channel on which instances announce that a user's grants changed. */
export const GRANTS_CHANNEL = "polystore:grants-changed";
/** The GRANTS_CHANNEL message meaning every user's grants changed (user ids are UUIDs). */
export const ALL_USERS = "*";

/** Reads a user's grants from the database (roles, merged role JSON, linked companies). */
export async function loadGrantsFromDb(db: Queryable, userId: string): Promise<Grants> {
  const roles = await db.query<{ name: string; permissions: unknown }>(
    `select r.name::text as name, r.permissions
       from user_roles ur join roles r on r.id = ur.role_id
      where ur.user_id = $1
      order by r.name::text`,
    [userId],
    { name: "principal_roles" },
  );
  const companies = await db.query<{ company_id: string }>(
    "select company_id from company_users where user_id = $1 order by company_id",
    [userId],
    { name: "principal_companies" },
  );
  return {
    roles: roles.rows.map((r) => r.name),
    permissions: mergePermissions(
      roles.rows.map((r) => PermissionSetSchema.catch({}).parse(r.permissions)),
    ),
    companyIds: companies.rows.map((r) => r.company_id),
  };
}

/**
 * Grants from the in-process memo when this instance is subscribed to grant changes, else
 * through the read-through cache: a hit costs two cache GETs (entry and generation); a miss, a
 * stale generation or a cache outage reads the database. A memo hit is a value, not a promise.
 */
export function loadGrants(
  deps: { db: Queryable; cached: ReadThroughCache; memo?: GrantsMemo },
  userId: string,
): Grants | Promise<Grants> {
  const epoch = deps.memo?.epoch ?? 0;
  const memoised = deps.memo?.get(userId);
  if (memoised) return memoised;
  const key = permissionsKey(userId);
  return deps.cached.get(
    key,
    key,
    PERMISSIONS_TTL_MS,
    GrantsSchema,
    () => loadGrantsFromDb(deps.db, userId),
  ).then(({ value }) => {
    deps.memo?.set(userId, value, epoch);
    return value;
  });
}

/**
 * What a change of `userId`'s grants owes the caches: a new generation for the cached entry,
 * and a message on GRANTS_CHANNEL so every instance drops its in-process copy.
 */
export function grantsInvalidation(userId: string): Invalidation {
  const key = permissionsKey(userId);
  return { namespace: key, dropKeys: [key], channel: GRANTS_CHANNEL, message: userId };
}

/**
 * What a change under every user's grants at once owes the caches (a migration may change role
 * JSON; a restore, everything). Each user's grants are cached under a generation of their own, so
 * only retiring every generation reaches them all (every other cached read goes with them, which
 * such a change may have outdated too); then every instance empties its in-process memo, after
 * the generations are gone so that none memoises an entry from before.
 */
export function allGrantsInvalidation(): Invalidation & { channel: string; message: string } {
  return { namespace: ALL_NAMESPACES, channel: GRANTS_CHANNEL, message: ALL_USERS };
}
