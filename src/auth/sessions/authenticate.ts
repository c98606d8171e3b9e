/**
 * Turns a Bearer access token into a Principal: signature and claims (tokens.ts), then the
 * account's state and revocations (memo or one query), then the user's grants (memo or cache).
 * When all three are in process the answer is a value, so a signed-in request awaits nothing.
 *
 * @module
 */
import type { Deps } from "../../http/types.ts";
import type { Authenticator } from "../../http/guard.ts";
import type { AccessClaims } from "../tokens/tokens.ts";
import { accessClaims } from "../tokens/access_claims.ts";
import { type Grants, loadGrants, type Principal } from "../grants/principal.ts";
import { accepts, type AccountState, accountState } from "../accounts/account_state.ts";

function principalOf(
  claims: AccessClaims,
  state: AccountState | null,
  grants: Grants,
): Principal | null {
  if (!accepts(state, claims.jti, claims.iat)) return null;
  const principal: Principal = {
    userId: claims.sub,
    jti: claims.jti,
    exp: claims.exp,
    ...grants,
  };
  if (claims.sid !== undefined) principal.sessionId = claims.sid;
  return principal;
}

/** The authenticator the guard calls for every non-public route. */
export function createAuthenticator(deps: Deps): Authenticator {
  const ofClaims = (claims: AccessClaims | null) => {
    if (claims === null) return null;
    // Both look-ups are independent; each is usually an in-process memo hit. Revocations are
    // checked against the table's copy (or the memo of it), the copy of record written in the
    // revoking transaction: the cache deny-list would only repeat it.
    const state = accountState({ db: deps.stores.relational, memo: deps.accounts }, claims.sub);
    const grants = loadGrants(
      { db: deps.stores.relational, cached: deps.cached, memo: deps.grants },
      claims.sub,
    );
    if (state instanceof Promise || grants instanceof Promise) {
      return Promise.all([state, grants]).then(([s, g]) => principalOf(claims, s, g));
    }
    return principalOf(claims, state, grants);
  };
  return (c) => {
    const claims = accessClaims(c, deps.tokens);
    return claims instanceof Promise ? claims.then(ofClaims) : ofClaims(claims);
  };
}
