/**
 * THE ONE PLACE the Consistency screen is wired. src/insights/mod.ts (another branch) will export
 * `consistencyReport(stores)` and `repairConsistency(stores, log)`; after merging it, replace the
 * body of `consistencySource` with:
 *
 *   return {
 *     report: () => consistencyReport(stores),
 *     repair: () => repairConsistency(stores, log),
 *   };
 *
 * Until then it returns null and the screen says "consistency service not installed". @module
 */
import type { Logger } from "../src/log.ts";
import type { Stores } from "../src/stores/types.ts";
import type { ConsistencySource } from "./ops_client.ts";

export function consistencySource(_stores: Stores, _log: Logger): ConsistencySource | null {
  return null;
}
