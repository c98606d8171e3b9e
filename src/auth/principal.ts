// Who is calling: the signed-in user's id, roles, merged permissions and (for `cliente` users)
// the companies whose rows they may see. Loaded from the relational store, cached 15 minutes
// under user:{id}:permissions, and dropped on every instance when roles change.
import { z } from "zod";
import type { CacheStore } from "../stores/cache/port.ts";
import type { Queryable } from "../stores/relational/port.ts";
import type { Logger } from "../log.ts";
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
 * Grants through the cache: a hit is one GET; a miss or a cache outage reads the database (an
 * outage is logged and never turns into a wrong answer).
 */
export async function loadGrants(
  deps: { db: Queryable; cache: CacheStore; log: Logger },
  userId: string,
): Promise<Grants> {
  const key = permissionsKey(userId);
  try {
    const hit = await deps.cache.get(key);
    if (hit !== null) {
      const parsed = GrantsSchema.safeParse(JSON.parse(hit));
      if (parsed.success) return parsed.data;
    }
  } catch (err) {
    deps.log.warn("cache read failed; using database", { key, error: String(err) });
  }
  const grants = await loadGrantsFromDb(deps.db, userId);
  deps.cache.set(key, JSON.stringify(grants), PERMISSIONS_TTL_MS).catch(() => {});
  return grants;
}

/** Drops a user's cached grants here and tells every other instance to do the same. */
export async function invalidateGrants(cache: CacheStore, userId: string): Promise<void> {
  await cache.del(permissionsKey(userId));
  await cache.publish(GRANTS_CHANNEL, userId);
}
