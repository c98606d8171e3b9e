/**
 * Turns a Bearer access token into a Principal: signature and claims (tokens.ts), then the
 * account's state and revocations (memo or one query), then the user's grants (memo or cache).
 *
 * @module
 */
import type { Deps } from "../../http/types.ts";
import type { Authenticator } from "../../http/guard.ts";
import { accessClaims } from "../tokens/access_claims.ts";
import { loadGrants, type Principal } from "../grants/principal.ts";
import { accepts, accountState } from "../accounts/account_state.ts";

/** The authenticator the guard calls for every non-public route. */
export function createAuthenticator(deps: Deps): Authenticator {
  return async (c) => {
    const claims = await accessClaims(c, deps.tokens);
    if (claims === null) return null;
    // Both look-ups are independent, so they run at once; each is usually an in-process memo
    // hit. Revocations are checked against the table's copy (or the memo of it), the copy of
    // record written in the revoking transaction: the cache deny-list would only repeat it.
    const [state, grants] = await Promise.all([
      accountState({ db: deps.stores.relational, memo: deps.accounts }, claims.sub),
      loadGrants(
        { db: deps.stores.relational, cached: deps.cached, memo: deps.grants },
        claims.sub,
      ),
    ]);
    if (!accepts(state, claims.jti, claims.iat)) return null;
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
