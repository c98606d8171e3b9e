/**
 * A signed-in user's sessions (refresh-token families): logout ends the current one and its
 * access token, the list shows the live ones, and any one of them can be ended by its owner.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../../audit/record.ts";
import { notFound } from "../../errors.ts";
import type { Principal } from "../grants/principal.ts";
import type { AuthContext } from "../context.ts";
import { listSessions, revokeFamilies } from "../tokens/refresh_tokens.ts";
import { cacheRevocations, insertRevocations, type RevokedAccess } from "../tokens/revocation.ts";

/** The access token the request came with, as a revocation. */
export function currentAccess(p: Principal): RevokedAccess {
  return { jti: p.jti, userId: p.userId, expiresAt: new Date(p.exp * 1000) };
}

/** Revokes the caller's access token and the session it belongs to. */
export async function logout(ctx: AuthContext, actor: AuditActor, p: Principal): Promise<void> {
  const now = new Date(ctx.now());
  const revoked = await ctx.db.transaction(async (tx) => {
    const family = p.sessionId
      ? await revokeFamilies(tx, { familyId: p.sessionId, userId: p.userId }, now)
      : [];
    const all = [currentAccess(p), ...family];
    await insertRevocations(tx, all, now);
    await recordAudit(tx, actor, {
      action: "logout",
      resourceType: "users",
      resourceId: p.userId,
      newValues: { session_id: p.sessionId ?? null },
    });
    return all;
  });
  // The table changed on commit; this instance drops its copy now rather than when the
  // trigger's notification arrives, so the caller's next request here already sees it.
  ctx.accounts.drop(p.userId);
  await cacheRevocations(ctx, revoked, now.getTime());
  await ctx.activity.record({
    userId: p.userId,
    action: "logout",
    actor,
    details: { session_id: p.sessionId ?? null },
  });
}

/** One live session as GET /auth/sessions shows it. */
export interface SessionView {
  id: string;
  created_at: string;
  last_used_at: string;
  user_agent: string | null;
  ip: string | null;
  /** True for the session the request's access token belongs to. */
  current: boolean;
}

/** The caller's live sessions, most recently used first. */
export async function sessionsOf(ctx: AuthContext, p: Principal): Promise<SessionView[]> {
  const rows = await listSessions(ctx.db, p.userId, new Date(ctx.now()));
  return rows.map((r) => ({
    id: r.id,
    created_at: r.created_at.toISOString(),
    last_used_at: r.last_used_at.toISOString(),
    user_agent: r.user_agent,
    ip: r.ip,
    current: r.id === p.sessionId,
  }));
}

/** Ends one of the caller's live sessions; 404 for a session that is not theirs or not live. */
export async function revokeSession(
  ctx: AuthContext,
  actor: AuditActor,
  p: Principal,
  sessionId: string,
): Promise<void> {
  const now = new Date(ctx.now());
  const revoked = await ctx.db.transaction(async (tx) => {
    const live = await tx.query(
      `select 1 from refresh_tokens
        where family_id = $1 and user_id = $2 and rotated_at is null and revoked_at is null
          and expires_at > $3
        for update`,
      [sessionId, p.userId, now],
      { name: "session_live" },
    );
    if (live.rowCount === 0) return null;
    const family = await revokeFamilies(tx, { familyId: sessionId, userId: p.userId }, now);
    await insertRevocations(tx, family, now);
    await recordAudit(tx, actor, {
      action: "session_revoked",
      resourceType: "users",
      resourceId: p.userId,
      newValues: { session_id: sessionId },
    });
    return family;
  });
  if (revoked === null) throw notFound("No such session");
  ctx.accounts.drop(p.userId); // as in logout
  await cacheRevocations(ctx, revoked, now.getTime());
  await ctx.activity.record({
    userId: p.userId,
    action: "session_revoked",
    actor,
    details: { session_id: sessionId },
  });
}
