/**
 * Sign-in with e-mail and password: one answer and one cost for every failure (unknown e-mail,
 * wrong password, disabled account), a rehash when the stored parameters are weaker than today's,
 * and a new session (refresh-token family) with its first pair.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../../audit/record.ts";
import type { AuthContext } from "../context.ts";
import { invalidCredentials } from "../errors.ts";
import { normalizeEmail } from "../accounts/accounts.ts";
import { dummyHash, hashPassword, needsRehash, verifyPassword } from "../passwords/passwords.ts";
import { purgeExpired } from "../tokens/refresh_tokens.ts";
import { issuePair, type TokenPair } from "../tokens/token_pair.ts";

interface LoginRow extends Record<string, unknown> {
  id: string;
  password_hash: string;
  is_active: boolean;
  deleted_at: Date | null;
}

/** Checks the credentials and opens a session; throws the one 401 on any failure. */
export async function login(
  ctx: AuthContext,
  actor: AuditActor,
  credentials: { email: string; password: string },
): Promise<TokenPair> {
  const email = normalizeEmail(credentials.email);
  const r = await ctx.db.query<LoginRow>(
    "select id, password_hash, is_active, deleted_at from users where lower(email) = $1",
    [email],
    { name: "login_user" },
  );
  const user = r.rows[0];
  // An unknown e-mail still pays for one full hash, so timing does not reveal it.
  const matches = await verifyPassword(
    credentials.password,
    user?.password_hash ?? await dummyHash(),
  );
  if (!user || !matches || !user.is_active || user.deleted_at !== null) {
    await recordAudit(ctx.db, actor, {
      action: "login_failed",
      resourceType: "users",
      resourceId: user?.id ?? null,
      newValues: { email },
    });
    await ctx.activity.record({
      userId: user?.id ?? null,
      action: "login_failed",
      actor,
      details: { email },
    });
    throw invalidCredentials();
  }

  const rehashed = needsRehash(user.password_hash)
    ? await hashPassword(credentials.password)
    : null;
  const now = new Date(ctx.now());
  const self = { ...actor, userId: user.id };
  const issued = await ctx.db.transaction(async (tx) => {
    await tx.query(
      // The rehash replaces only the hash that was verified: a password change committed since
      // must not be overwritten with a new hash of the old password.
      `update users set last_login_at = $2,
              password_hash = case when password_hash = $4 then coalesce($3, password_hash)
                                   else password_hash end
        where id = $1`,
      [user.id, now, rehashed, user.password_hash],
      { name: "login_touch_user" },
    );
    await purgeExpired(tx, user.id, now);
    const out = await issuePair(tx, ctx.tokens, {
      userId: user.id,
      familyId: crypto.randomUUID(),
      now,
      actor,
    });
    await recordAudit(tx, self, {
      action: "login",
      resourceType: "users",
      resourceId: user.id,
      newValues: { session_id: out.claims.sid, kdf_upgraded: rehashed !== null },
    });
    return out;
  });
  await ctx.activity.record({
    userId: user.id,
    action: "login",
    actor: self,
    details: { session_id: issued.claims.sid },
  });
  return issued.pair;
}
