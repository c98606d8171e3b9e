/**
 * Types shared by the HTTP layer: the Hono environment (per-request variables) and the
 * dependencies every route module receives from createApp.
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import type {
  AccessClaims,
  AccountMemo,
  GrantsMemo,
  Principal,
  TokenService,
} from "../auth/mod.ts";
import type { Stores } from "../stores/types.ts";
import type { ReadThroughCache } from "../caching/read_through.ts";
import type { BackupsInFlight } from "../ops/backup/in_flight.ts";

export type AppEnv = {
  Variables: {
    requestId: string;
    /** Set by the guard for every non-public route. */
    principal?: Principal;
    /** The bearer token's verified claims, once looked at (auth/access_claims.ts). */
    accessClaims?: AccessClaims | null | Promise<AccessClaims | null>;
  };
};

/** Everything a route module may use; built once per app by createApp. */
export interface Deps {
  stores: Stores;
  config: Config;
  log: Logger;
  tokens: TokenService;
  /** Read-through caching with generations; one per app so owed invalidations are tracked. */
  cached: ReadThroughCache;
  /** Grants kept in process while grant changes are subscribed to (auth/grants_sync.ts). */
  grants: GrantsMemo;
  /** Users' account state kept in process while account changes are listened to. */
  accounts: AccountMemo;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  now: () => number;
  /** Backups this instance runs; the ops domain's stop interrupts them. */
  backups: BackupsInFlight;
}
