/**
 * Builds an OpsContext from the app's Deps (routes, jobs) or from loose parts (CLI, TUI).
 *
 * @module
 */
import type { Deps } from "../http/types.ts";
import type { OpsContext } from "./types.ts";

/**
 * The ops view of the HTTP Deps: stores, config, log, the injected clock, running backups and the
 * read-through cache.
 */
export function opsContextFromDeps(deps: Deps): OpsContext {
  return {
    stores: deps.stores,
    config: deps.config,
    log: deps.log,
    now: deps.now,
    backups: deps.backups,
    cached: deps.cached,
  };
}
