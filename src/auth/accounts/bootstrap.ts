/**
 * The first admin: created at start from ADMIN_EMAIL/ADMIN_PASSWORD, or by the user:create task,
 * through the same account service as self-registration. An existing account is never changed.
 *
 * @module
 */
import type { AuditActor } from "../../audit/record.ts";
import { AppError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import type { RelationalStore } from "../../stores/relational/port.ts";
import { createAccount, emailExists, normalizeEmail, type UserProfile } from "./accounts.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../passwords/passwords.ts";
import type { RoleName } from "../grants/roles.ts";

export interface BootstrapDeps {
  db: RelationalStore;
  log: Logger;
}

/** The actor audit rows name for accounts made outside any request. */
export function systemActor(what: string): AuditActor {
  return { userId: null, ip: null, userAgent: what, requestId: null };
}

export type CreateUserResult =
  | { status: "created"; user: UserProfile }
  | { status: "exists" };

/**
 * Creates an account with `roles` unless one already uses the e-mail (in any letter case); an
 * existing account is left exactly as it is.
 */
export async function createUserIfAbsent(
  deps: BootstrapDeps,
  input: { email: string; password: string; fullName?: string; roles: readonly RoleName[] },
  actor: AuditActor,
): Promise<CreateUserResult> {
  const email = normalizeEmail(input.email);
  if (input.password.length < PASSWORD_MIN_LENGTH || input.password.length > PASSWORD_MAX_LENGTH) {
    throw new Error(
      `the password must be ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters long`,
    );
  }
  if (await emailExists(deps.db, email)) return { status: "exists" };
  try {
    const user = await createAccount(deps.db, {
      email,
      password: input.password,
      fullName: input.fullName ?? email.split("@")[0],
      roles: input.roles,
    }, actor);
    return { status: "created", user };
  } catch (err) {
    // Another instance created it between the check and the insert.
    if (err instanceof AppError && err.status === 409) return { status: "exists" };
    throw err;
  }
}

/**
 * Creates the admin named by ADMIN_EMAIL/ADMIN_PASSWORD when no user has that e-mail. Does
 * nothing when neither is set; warns when only one is.
 */
export async function ensureAdmin(
  deps: BootstrapDeps,
  admin: { adminEmail?: string; adminPassword?: string },
): Promise<"created" | "exists" | "not_configured"> {
  const { adminEmail, adminPassword } = admin;
  if (adminEmail === undefined || adminPassword === undefined) {
    if (adminEmail !== undefined || adminPassword !== undefined) {
      deps.log.warn("ADMIN_EMAIL and ADMIN_PASSWORD must both be set; no admin created");
    }
    return "not_configured";
  }
  const result = await createUserIfAbsent(
    deps,
    { email: adminEmail, password: adminPassword, fullName: "Administrator", roles: ["admin"] },
    systemActor("bootstrap:ADMIN_EMAIL"),
  );
  if (result.status === "created") {
    deps.log.info("admin account created from ADMIN_EMAIL", { user_id: result.user.id });
  }
  return result.status;
}
