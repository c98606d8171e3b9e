// Turns a Bearer access token into a Principal: signature and claims (tokens.ts), then the
// revocation list (cache first, relational table as the copy of record), then the user's grants.
import type { Context } from "hono";
import type { Deps } from "../http/types.ts";
import type { Authenticator } from "../http/guard.ts";
import { loadGrants, type Principal } from "./principal.ts";

export const revokedKey = (jti: string) => `blacklist:jwt:${jti}`;

/**
 * True when the access token id was revoked (logout, password change). The cache answers fast;
 * a miss is confirmed against the relational table because the cache may have lost the entry,
 * and a cache outage falls back to the table alone.
 */
export async function isAccessRevoked(deps: Deps, jti: string): Promise<boolean> {
  try {
    if (await deps.stores.cache.get(revokedKey(jti)) !== null) return true;
  } catch (err) {
    deps.log.warn("cache read failed; checking revocations in the database", {
      error: String(err),
    });
  }
  const r = await deps.stores.relational.query(
    "select 1 from revoked_access_tokens where jti = $1",
    [jti],
    { name: "revoked_access_token" },
  );
  return r.rowCount > 0;
}

function bearer(c: Context): string | null {
  const h = c.req.header("Authorization");
  const m = h?.match(/^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/);
  return m ? m[1] : null;
}

/** The authenticator the guard calls for every non-public route. */
export function createAuthenticator(deps: Deps): Authenticator {
  return async (c) => {
    const token = bearer(c);
    if (token === null) return null;
    const claims = await deps.tokens.verifyAccess(token);
    if (claims === null) return null;
    const active = await deps.stores.relational.query<{ id: string }>(
      "select id from users where id = $1 and is_active and deleted_at is null",
      [claims.sub],
      { name: "active_user" },
    );
    if (active.rowCount === 0) return null;
    if (await isAccessRevoked(deps, claims.jti)) return null;
    const grants = await loadGrants(
      { db: deps.stores.relational, cache: deps.stores.cache, log: deps.log },
      claims.sub,
    );
    const principal: Principal = {
      userId: claims.sub,
      jti: claims.jti,
      exp: claims.exp,
      ...grants,
    };
    return principal;
  };
}
