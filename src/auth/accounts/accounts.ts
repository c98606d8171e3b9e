/**
 * Accounts: creating one (self-registration, the admin bootstrap, the user:create task) and
 * reading a profile. E-mails are stored lower-cased, so one address is one account.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../../audit/record.ts";
import { conflict } from "../../errors.ts";
import { StoreError } from "../../stores/errors.ts";
import type { Queryable, RelationalStore } from "../../stores/relational/port.ts";
import { hashPassword } from "../passwords/passwords.ts";
import type { RoleName } from "../grants/roles.ts";

/** The one spelling of an e-mail address that is stored and compared. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/** A user as the API shows it: never the password hash. */
export interface UserProfile {
  id: string;
  email: string;
  full_name: string;
  phone: string | null;
  avatar_url: string | null;
  is_active: boolean;
  is_verified: boolean;
  last_login_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The select list matching UserProfile (timestamps converted by toProfile). */
export const PROFILE_COLUMNS =
  "u.id, u.email, u.full_name, u.phone, u.avatar_url, u.is_active, u.is_verified, " +
  "u.last_login_at, u.created_at, u.updated_at";

type ProfileRow = Omit<UserProfile, "last_login_at" | "created_at" | "updated_at"> & {
  last_login_at: Date | null;
  created_at: Date;
  updated_at: Date;
};

/** Converts a row selected with PROFILE_COLUMNS to the JSON profile. */
export function toProfile(row: Record<string, unknown>): UserProfile {
  const r = row as ProfileRow;
  return {
    id: r.id,
    email: r.email,
    full_name: r.full_name,
    phone: r.phone,
    avatar_url: r.avatar_url,
    is_active: r.is_active,
    is_verified: r.is_verified,
    last_login_at: r.last_login_at?.toISOString() ?? null,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export interface NewAccount {
  email: string;
  password: string;
  fullName: string;
  roles?: readonly RoleName[];
}

const emailTaken = () =>
  conflict("An account with this email already exists", [
    { path: "email", message: "already registered" },
  ]);

/**
 * Creates an account (hashing the password first, outside the transaction) with the given roles
 * and its audit row; 409 when the e-mail is taken in any letter case.
 */
export async function createAccount(
  db: RelationalStore,
  account: NewAccount,
  actor: AuditActor,
): Promise<UserProfile> {
  const email = normalizeEmail(account.email);
  const passwordHash = await hashPassword(account.password);
  try {
    return await db.transaction(async (tx) => {
      const r = await tx.query(
        `insert into users (email, password_hash, full_name) values ($1, $2, $3)
         returning ${PROFILE_COLUMNS.replaceAll("u.", "")}`,
        [email, passwordHash, account.fullName],
        { name: "user_insert" },
      );
      const profile = toProfile(r.rows[0]);
      for (const role of account.roles ?? []) {
        const granted = await tx.query(
          `insert into user_roles (user_id, role_id, granted_by)
           select $1, id, $3 from roles where name = $2::role_name`,
          [profile.id, role, actor.userId],
          { name: "user_role_insert" },
        );
        if (granted.rowCount === 0) throw new Error(`role ${role} is missing from roles`);
      }
      // A self-registration has no signed-in actor: the new account is who acted.
      await recordAudit(tx, { ...actor, userId: actor.userId ?? profile.id }, {
        action: "create",
        resourceType: "users",
        resourceId: profile.id,
        newValues: { email, full_name: account.fullName, roles: account.roles ?? [] },
      });
      return profile;
    });
  } catch (err) {
    if (err instanceof StoreError && err.code === "conflict") throw emailTaken();
    throw err;
  }
}

/** True when some account (deleted or not) already uses `email`. */
export async function emailExists(db: Queryable, email: string): Promise<boolean> {
  const r = await db.query("select 1 from users where lower(email) = $1", [normalizeEmail(email)], {
    name: "user_email_exists",
  });
  return r.rowCount > 0;
}
