/**
 * Turns a Bearer access token into a Principal: signature and claims (tokens.ts), then account
 * state and the revocation table in one query, then the user's grants (memo or cache).
 *
 * @module
 */
import type { Deps } from "../../http/types.ts";
import type { Authenticator } from "../../http/guard.ts";
import { accessClaims } from "../tokens/access_claims.ts";
import { loadGrants, type Principal } from "../grants/principal.ts";

interface CallerRow extends Record<string, unknown> {
  tokens_valid_after: Date | null;
  revoked: boolean;
}

/**
 * The caller's account state in one round trip: active or not (no row), the password-change
 * cut-off, and whether the token id is in the revocation table.
 */
async function callerState(deps: Deps, userId: string, jti: string): Promise<CallerRow | null> {
  const r = await deps.stores.relational.query<CallerRow>(
    `select u.tokens_valid_after,
            exists (select 1 from revoked_access_tokens r where r.jti = $2) as revoked
       from users u
      where u.id = $1 and u.is_active and u.deleted_at is null`,
    [userId, jti],
    { name: "auth_caller_state" },
  );
  return r.rows[0] ?? null;
}

/** The authenticator the guard calls for every non-public route. */
export function createAuthenticator(deps: Deps): Authenticator {
  return async (c) => {
    const claims = await accessClaims(c, deps.tokens);
    if (claims === null) return null;
    // Both look-ups are independent, so they run at once. Revocations are checked in the table,
    // the copy of record written in the revoking transaction, by the same query as the account
    // state: the cache deny-list (tokens/revocation.ts) would only repeat that answer.
    const [state, grants] = await Promise.all([
      callerState(deps, claims.sub, claims.jti),
      loadGrants(
        { db: deps.stores.relational, cached: deps.cached, memo: deps.grants },
        claims.sub,
      ),
    ]);
    if (state === null || state.revoked) return null;
    // A password change refuses every access token issued before it (iat is in seconds).
    if (
      state.tokens_valid_after !== null &&
      claims.iat * 1000 < state.tokens_valid_after.getTime()
    ) return null;
    const principal: Principal = {
      userId: claims.sub,
      jti: claims.jti,
      exp: claims.exp,
      ...grants,
    };
    if (claims.sid !== undefined) principal.sessionId = claims.sid;
    return principal;
  };
}
