/**
 * What a signed-in request needs to know of its user besides the token: whether the account is
 * usable, the password-change cut-off, which of the user's access tokens are revoked, and the
 * profile (for GET /auth/me). Kept in process per user while this instance listens to account
 * changes (account_sync.ts), read from the table otherwise.
 *
 * @module
 */
import { SyncedMemo } from "../../caching/synced_memo.ts";
import type { Queryable } from "../../stores/relational/port.ts";
import { PROFILE_COLUMNS, toProfile, type UserProfile } from "./accounts.ts";

/**
 * The NOTIFY channel on which every change to an account's state is announced when it commits,
 * by the triggers of sql/0092 and 0093 (payload: the user id, or '*' for all of them).
 */
export const ACCOUNTS_CHANNEL = "polystore_accounts";

export interface AccountState {
  /** The user as GET /auth/me shows them. */
  profile: UserProfile;
  /** Milliseconds since the epoch; access tokens issued before it are refused. */
  tokensValidAfter: number | null;
  /** Ids of the user's access tokens that are revoked (until the expired ones are purged). */
  revoked: ReadonlySet<string>;
}

/** `state` null: no usable account (inactive, deleted or absent). */
interface Entry {
  state: AccountState | null;
}

/** Same bound as the grants memo: the longest a lost message could go unnoticed. */
export const ACCOUNT_MEMO_TTL_MS = 30_000;

export class AccountMemo extends SyncedMemo<Entry> {
  constructor() {
    super({ ttlMs: ACCOUNT_MEMO_TTL_MS, max: 10_000 });
  }
}

interface StateRow extends Record<string, unknown> {
  id: string;
  tokens_valid_after: Date | null;
  revoked: string[];
}

/** One round trip: the account, if usable, with its revoked token ids. */
async function loadAccountState(db: Queryable, userId: string): Promise<AccountState | null> {
  const r = await db.query<StateRow>(
    `select ${PROFILE_COLUMNS}, u.tokens_valid_after,
            array(select r.jti from revoked_access_tokens r where r.user_id = u.id) as revoked
       from users u
      where u.id = $1 and u.is_active and u.deleted_at is null`,
    [userId],
    { name: "auth_account_state" },
  );
  const row = r.rows[0];
  if (row === undefined) return null;
  return {
    profile: toProfile(row),
    tokensValidAfter: row.tokens_valid_after?.getTime() ?? null,
    revoked: new Set(row.revoked),
  };
}

/**
 * The user's account state from the memo when it is trusted (as a value: no promise on the hot
 * path), else from the table.
 */
export function accountState(
  deps: { db: Queryable; memo: AccountMemo },
  userId: string,
): AccountState | null | Promise<AccountState | null> {
  const epoch = deps.memo.epoch;
  const hit = deps.memo.get(userId);
  if (hit !== undefined) return hit.state;
  return loadAccountState(deps.db, userId).then((state) => {
    deps.memo.set(userId, { state }, epoch);
    return state;
  });
}

/** Whether an access token (id `jti`, issued at `iat` seconds) may still be used. */
export function accepts(state: AccountState | null, jti: string, iat: number): boolean {
  if (state === null || state.revoked.has(jti)) return false;
  // A password change refuses every access token issued before it.
  return state.tokensValidAfter === null || iat * 1000 >= state.tokensValidAfter;
}
