/**
 * What the auth services need, built once per app from the route dependencies.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { Deps } from "../http/types.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import type { RelationalStore } from "../stores/relational/port.ts";
import { type ActivityLog, createActivityLog } from "./accounts/activity.ts";
import type { TokenService } from "./tokens/tokens.ts";
import type { ReadThroughCache } from "../caching/read_through.ts";
import type { GrantsMemo } from "./grants/grants_memo.ts";
import type { AccountMemo } from "./accounts/account_state.ts";

export interface AuthContext {
  db: RelationalStore;
  cache: CacheStore;
  cached: ReadThroughCache;
  /** This instance's in-process copy of grants (dropped on a grant change). */
  grants: GrantsMemo;
  /** This instance's in-process copy of account state (dropped on an account change). */
  accounts: AccountMemo;
  log: Logger;
  tokens: TokenService;
  activity: ActivityLog;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** The auth services' view of the app's dependencies. */
export function authContext(deps: Deps): AuthContext {
  return {
    db: deps.stores.relational,
    cache: deps.stores.cache,
    cached: deps.cached,
    grants: deps.grants,
    accounts: deps.accounts,
    log: deps.log,
    tokens: deps.tokens,
    now: deps.now,
    activity: createActivityLog({ documents: deps.stores.documents, log: deps.log, now: deps.now }),
  };
}
