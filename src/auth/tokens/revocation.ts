/**
 * Revoking access tokens by id: the relational table is the copy of record (written in the
 * caller's transaction), the cache deny-list (blacklist:jwt:{jti}) the fast path, set afterwards.
 *
 * @module
 */
import type { Logger } from "../../log.ts";
import type { CacheStore } from "../../stores/cache/port.ts";
import type { Queryable } from "../../stores/relational/port.ts";

/** The cache deny-list key of one revoked access-token id. */
export const revokedKey = (jti: string) => `blacklist:jwt:${jti}`;

/** One access token to refuse until it would have expired anyway. */
export interface RevokedAccess {
  jti: string;
  userId: string;
  expiresAt: Date;
}

/**
 * Records revocations in `revoked_access_tokens` and drops rows whose tokens have expired since
 * (they can no longer pass verification, so their entries are dead weight).
 */
export async function insertRevocations(
  tx: Queryable,
  items: readonly RevokedAccess[],
  now: Date,
): Promise<void> {
  const live = items.filter((i) => i.expiresAt > now);
  if (live.length > 0) {
    await tx.query(
      `insert into revoked_access_tokens (jti, user_id, expires_at)
       select * from unnest($1::text[], $2::uuid[], $3::timestamptz[])
       on conflict (jti) do nothing`,
      [
        live.map((i) => i.jti),
        live.map((i) => i.userId),
        live.map((i) => i.expiresAt.toISOString()),
      ],
      { name: "revoked_access_insert" },
    );
  }
  await tx.query("delete from revoked_access_tokens where expires_at < $1", [now], {
    name: "revoked_access_purge",
  });
}

/**
 * Puts revocations on the cache deny-list with a TTL ending when each token expires. A cache
 * failure is logged: the table still refuses the tokens.
 */
export async function cacheRevocations(
  deps: { cache: CacheStore; log: Logger },
  items: readonly RevokedAccess[],
  nowMs: number,
): Promise<void> {
  for (const item of items) {
    const ttl = item.expiresAt.getTime() - nowMs;
    if (ttl <= 0) continue;
    try {
      await deps.cache.set(revokedKey(item.jti), "1", ttl);
    } catch (err) {
      deps.log.warn("cache write failed; revocation kept in the database only", {
        error: String(err),
      });
      return;
    }
  }
}
