/**
 * Refresh-token rotation. Each token works once: it is swapped for a new pair in the same family.
 * Presenting a rotated token again means it leaked (or the client lost an answer): within a short
 * grace window the same new pair is answered again; after it, the whole family is revoked.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../../audit/record.ts";
import type { AuthContext } from "../context.ts";
import { invalidRefreshToken } from "../errors.ts";
import { open, seal } from "../tokens/grace_seal.ts";
import {
  findForUpdate,
  graceKey,
  hashRefreshToken,
  isLive,
  markRotated,
  REFRESH_GRACE_MS,
  REFRESH_TOKEN_PATTERN,
  revokeFamilies,
} from "../tokens/refresh_tokens.ts";
import { cacheRevocations, insertRevocations, type RevokedAccess } from "../tokens/revocation.ts";
import { issuePair, type TokenPair } from "../tokens/token_pair.ts";

type Outcome =
  | { kind: "pair"; pair: TokenPair }
  | { kind: "invalid" }
  | { kind: "reuse"; userId: string; familyId: string; revoked: RevokedAccess[] };

interface OwnerRow extends Record<string, unknown> {
  usable: boolean;
  tokens_valid_after: Date | null;
}

/**
 * Reads the grace answer, sealed for the presented token; a cache outage means no grace (the
 * retry counts as reuse).
 */
async function graceAnswer(
  ctx: AuthContext,
  refreshToken: string,
  tokenHash: string,
): Promise<TokenPair | null> {
  try {
    const hit = await ctx.cache.get(graceKey(tokenHash));
    const text = hit === null ? null : await open(refreshToken, hit);
    return text === null ? null : JSON.parse(text) as TokenPair;
  } catch (err) {
    ctx.log.warn("cache read failed; refresh retry treated as reuse", { error: String(err) });
    return null;
  }
}

async function keepGraceAnswer(
  ctx: AuthContext,
  refreshToken: string,
  tokenHash: string,
  pair: TokenPair,
) {
  try {
    const sealed = await seal(refreshToken, JSON.stringify(pair));
    await ctx.cache.set(graceKey(tokenHash), sealed, REFRESH_GRACE_MS);
  } catch (err) {
    ctx.log.warn("cache write failed; no grace window for this refresh", { error: String(err) });
  }
}

/** Swaps a refresh token for a new pair; 401 for anything but a valid, unused token. */
export async function refresh(
  ctx: AuthContext,
  actor: AuditActor,
  refreshToken: string,
): Promise<TokenPair> {
  if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) throw invalidRefreshToken();
  const tokenHash = await hashRefreshToken(refreshToken);
  const now = new Date(ctx.now());
  // The row lock serialises concurrent refreshes of one token: the second one waits, then sees
  // the rotation and the grace answer the first one left.
  const outcome = await ctx.db.transaction(async (tx): Promise<Outcome> => {
    const row = await findForUpdate(tx, tokenHash);
    if (row === null || row.revoked_at !== null || row.expires_at <= now) {
      return { kind: "invalid" };
    }
    if (row.rotated_at !== null) {
      if (now.getTime() - row.rotated_at.getTime() <= REFRESH_GRACE_MS && row.replaced_by) {
        const again = await graceAnswer(ctx, refreshToken, tokenHash);
        if (again !== null && await isLive(tx, row.replaced_by, now)) {
          return { kind: "pair", pair: again };
        }
      }
      const revoked = await revokeFamilies(
        tx,
        { familyId: row.family_id, userId: row.user_id },
        now,
      );
      await insertRevocations(tx, revoked, now);
      await recordAudit(tx, actor, {
        action: "refresh_reuse",
        resourceType: "users",
        resourceId: row.user_id,
        newValues: { session_id: row.family_id, revoked_access_ids: revoked.length },
      });
      return { kind: "reuse", userId: row.user_id, familyId: row.family_id, revoked };
    }
    const owner = await tx.query<OwnerRow>(
      `select (is_active and deleted_at is null) as usable, tokens_valid_after
         from users where id = $1`,
      [row.user_id],
      { name: "refresh_owner" },
    );
    const user = owner.rows[0];
    if (
      !user?.usable ||
      (user.tokens_valid_after !== null && row.created_at < user.tokens_valid_after)
    ) {
      return { kind: "invalid" };
    }
    const issued = await issuePair(tx, ctx.tokens, {
      userId: row.user_id,
      familyId: row.family_id,
      now,
      actor,
    });
    await markRotated(tx, row.id, issued.refreshId, now);
    // Written before commit so a concurrent retry, released by the commit, finds it.
    await keepGraceAnswer(ctx, refreshToken, tokenHash, issued.pair);
    return { kind: "pair", pair: issued.pair };
  });

  if (outcome.kind === "pair") return outcome.pair;
  if (outcome.kind === "reuse") {
    await cacheRevocations(ctx, outcome.revoked, now.getTime());
    ctx.log.warn("refresh token reused; session revoked", {
      user_id: outcome.userId,
      session_id: outcome.familyId,
      request_id: actor.requestId,
    });
    await ctx.activity.record({
      userId: outcome.userId,
      action: "refresh_reuse",
      actor,
      details: { session_id: outcome.familyId },
    });
  }
  throw invalidRefreshToken();
}
