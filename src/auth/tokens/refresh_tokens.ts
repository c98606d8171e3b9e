/**
 * Refresh tokens: opaque random strings handed to the client once and stored only as SHA-256
 * hashes in refresh_tokens, grouped in families (one per sign-in) and rotated on every use.
 *
 * @module
 */
import { encodeBase64url } from "../../shared/base64url.ts";
import type { Queryable } from "../../stores/relational/port.ts";
import type { RevokedAccess } from "./revocation.ts";

/** A refresh token lives 7 days from its issue (each rotation starts a new 7 days). */
export const REFRESH_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A client retrying the same refresh within this window gets the same new pair again. */
export const REFRESH_GRACE_MS = 10_000;

const TOKEN_BYTES = 32;
/** What a refresh token looks like on the wire (43 base64url characters). */
export const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A new opaque refresh token: 256 random bits, base64url without padding. */
export function newRefreshToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return encodeBase64url(bytes);
}

/** The stored form of a refresh token: SHA-256, lowercase hex. */
export async function hashRefreshToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Whose refresh token this is (rotated or revoked ones included: a replay still counts against
 * the account), for the per-account rate limit. Null for an unknown token.
 */
export async function refreshTokenOwner(db: Queryable, token: string): Promise<string | null> {
  const r = await db.query<{ user_id: string }>(
    "select user_id from refresh_tokens where token_hash = $1",
    [await hashRefreshToken(token)],
    { name: "refresh_token_owner" },
  );
  return r.rows[0]?.user_id ?? null;
}

/** The cache key holding the pair answered for a rotated token during the grace window. */
export const graceKey = (tokenHash: string) => `refresh_grace:${tokenHash}`;

export interface NewRefreshRow {
  familyId: string;
  userId: string;
  tokenHash: string;
  createdAt: Date;
  accessJti: string;
  accessExpiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** Inserts one refresh token row; returns its id. */
export async function insertRefreshToken(tx: Queryable, row: NewRefreshRow): Promise<string> {
  const r = await tx.query<{ id: string }>(
    `insert into refresh_tokens
       (family_id, user_id, token_hash, created_at, expires_at, access_jti, access_expires_at,
        user_agent, ip)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9::inet)
     returning id`,
    [
      row.familyId,
      row.userId,
      row.tokenHash,
      row.createdAt,
      new Date(row.createdAt.getTime() + REFRESH_TTL_MS),
      row.accessJti,
      row.accessExpiresAt,
      row.userAgent,
      row.ip,
    ],
    { name: "refresh_insert" },
  );
  return r.rows[0].id;
}

export interface RefreshRow extends Record<string, unknown> {
  id: string;
  family_id: string;
  user_id: string;
  created_at: Date;
  expires_at: Date;
  rotated_at: Date | null;
  replaced_by: string | null;
  revoked_at: Date | null;
}

/** The row of a presented token, locked until the transaction ends (rotation is one step). */
export async function findForUpdate(tx: Queryable, tokenHash: string): Promise<RefreshRow | null> {
  const r = await tx.query<RefreshRow>(
    `select id, family_id, user_id, created_at, expires_at, rotated_at, replaced_by, revoked_at
       from refresh_tokens where token_hash = $1 for update`,
    [tokenHash],
    { name: "refresh_find_for_update" },
  );
  return r.rows[0] ?? null;
}

/**
 * True when the row that replaced a rotated token is still usable and not itself used yet: once
 * the client has moved on to the newer token, a late retry of the old one is reuse, not a retry.
 */
export async function isLive(tx: Queryable, id: string, now: Date): Promise<boolean> {
  const r = await tx.query(
    `select 1 from refresh_tokens
      where id = $1 and revoked_at is null and rotated_at is null and expires_at > $2`,
    [id, now],
    { name: "refresh_is_live" },
  );
  return r.rowCount > 0;
}

/** Marks a token used: it may never be presented again (outside the grace window). */
export async function markRotated(
  tx: Queryable,
  id: string,
  replacedBy: string,
  now: Date,
): Promise<void> {
  await tx.query(
    "update refresh_tokens set rotated_at = $2, replaced_by = $3 where id = $1",
    [id, now, replacedBy],
    { name: "refresh_mark_rotated" },
  );
}

/** Which families to revoke: one, or all of a user's except (optionally) one. */
export type FamilySelector =
  | { familyId: string; userId: string }
  | { userId: string; exceptFamilyId?: string | null };

/**
 * Revokes every still-valid token of the selected families and returns the access tokens issued
 * with them that have not expired yet, for the caller to deny-list.
 */
export async function revokeFamilies(
  tx: Queryable,
  which: FamilySelector,
  now: Date,
): Promise<RevokedAccess[]> {
  const one = "familyId" in which;
  const scope = one
    ? "family_id = $2 and user_id = $3"
    : "user_id = $3 and ($2::uuid is null or family_id <> $2::uuid)";
  const params = [now, one ? which.familyId : which.exceptFamilyId ?? null, which.userId];
  await tx.query(
    `update refresh_tokens set revoked_at = $1 where ${scope} and revoked_at is null`,
    params,
  );
  const live = await tx.query<{ access_jti: string; access_expires_at: Date }>(
    `select access_jti, access_expires_at from refresh_tokens
      where ${scope} and access_jti is not null and access_expires_at > $1`,
    params,
  );
  return live.rows.map((r) => ({
    jti: r.access_jti,
    userId: which.userId,
    expiresAt: r.access_expires_at,
  }));
}

/** Drops a user's rows that expired a while ago (opportunistic clean-up at sign-in). */
export async function purgeExpired(tx: Queryable, userId: string, now: Date): Promise<void> {
  await tx.query(
    "delete from refresh_tokens where user_id = $1 and expires_at < $2",
    [userId, now],
    { name: "refresh_purge_expired" },
  );
}

export interface SessionRow extends Record<string, unknown> {
  id: string;
  created_at: Date;
  last_used_at: Date;
  user_agent: string | null;
  ip: string | null;
}

/**
 * A user's active sessions: families with a token that is neither rotated, revoked nor expired.
 * last_used_at is when that token was issued (the last sign-in or refresh).
 */
export async function listSessions(
  db: Queryable,
  userId: string,
  now: Date,
): Promise<SessionRow[]> {
  const r = await db.query<SessionRow>(
    `select t.family_id as id,
            (select min(f.created_at) from refresh_tokens f where f.family_id = t.family_id)
              as created_at,
            t.created_at as last_used_at, t.user_agent, host(t.ip) as ip
       from refresh_tokens t
      where t.user_id = $1 and t.rotated_at is null and t.revoked_at is null
        and t.expires_at > $2
      order by t.created_at desc, t.family_id`,
    [userId, now],
    { name: "refresh_list_sessions" },
  );
  return r.rows;
}
