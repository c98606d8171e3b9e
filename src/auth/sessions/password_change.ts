/**
 * Changing one's password ends every other session: their refresh families are revoked, the
 * access tokens recorded with them deny-listed, and a per-user cut-off (tokens_valid_after)
 * refuses any older access token that was not recorded. The caller gets a fresh pair.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../../audit/record.ts";
import { unprocessable } from "../../errors.ts";
import type { Principal } from "../grants/principal.ts";
import type { AuthContext } from "../context.ts";
import { hashPassword, verifyPassword } from "../passwords/passwords.ts";
import { markRotated, revokeFamilies } from "../tokens/refresh_tokens.ts";
import { cacheRevocations, insertRevocations } from "../tokens/revocation.ts";
import { currentAccess } from "./sessions.ts";
import { issuePair, type TokenPair } from "../tokens/token_pair.ts";

/** Checks the current password, stores the new one and returns a new pair for this session. */
export async function changePassword(
  ctx: AuthContext,
  actor: AuditActor,
  p: Principal,
  input: { currentPassword: string; newPassword: string },
): Promise<TokenPair> {
  const r = await ctx.db.query<{ password_hash: string }>(
    "select password_hash from users where id = $1",
    [p.userId],
    { name: "password_current_hash" },
  );
  const stored = r.rows[0]?.password_hash ?? "";
  if (!await verifyPassword(input.currentPassword, stored)) {
    throw unprocessable("The current password is incorrect", [
      { path: "current_password", message: "is incorrect" },
    ]);
  }
  const newHash = await hashPassword(input.newPassword);
  const now = new Date(ctx.now());
  // Whole seconds, because tokens carry iat in seconds: the pair issued below (iat = this second)
  // must pass the cut-off. Older tokens of this same second are revoked one by one below.
  const cutoff = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const keepFamily = p.sessionId ?? null;

  const { pair, revoked } = await ctx.db.transaction(async (tx) => {
    await tx.query(
      "update users set password_hash = $2, tokens_valid_after = $3 where id = $1",
      [p.userId, newHash, cutoff],
      { name: "password_update" },
    );
    const others = await revokeFamilies(tx, { userId: p.userId, exceptFamilyId: keepFamily }, now);
    const revoked = [currentAccess(p), ...others];
    // This session goes on with a new pair in its family; its live token is rotated now.
    const live = keepFamily === null ? null : await tx.query<{ id: string }>(
      `select id from refresh_tokens
        where family_id = $1 and user_id = $2 and rotated_at is null and revoked_at is null
          and expires_at > $3
        for update`,
      [keepFamily, p.userId, now],
    );
    const familyId = live?.rows[0] ? keepFamily! : crypto.randomUUID();
    const issued = await issuePair(tx, ctx.tokens, { userId: p.userId, familyId, now, actor });
    if (live?.rows[0]) await markRotated(tx, live.rows[0].id, issued.refreshId, now);
    await insertRevocations(tx, revoked, now);
    await recordAudit(tx, actor, {
      action: "password_change",
      resourceType: "users",
      resourceId: p.userId,
      newValues: { other_sessions_revoked: true, session_id: familyId },
    });
    return { pair: issued.pair, revoked };
  });
  ctx.accounts.drop(p.userId); // as in logout (sessions.ts)
  await cacheRevocations(ctx, revoked, now.getTime());
  await ctx.activity.record({ userId: p.userId, action: "password_change", actor });
  return pair;
}
