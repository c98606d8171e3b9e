/**
 * Where the Consistency screen gets its report and repair: the insights consistency service over
 * the TUI's own stores (default), or the admin routes of a running API when `--api` and `--token`
 * are given, so the repair is done (and audited) by the API itself.
 *
 * @module
 */
import { consistencyReport, repairConsistency } from "../src/insights/mod.ts";
import type { Logger } from "../src/log.ts";
import type { Stores } from "../src/stores/types.ts";
import { type ApiTarget, callApi } from "./admin_api.ts";
import type { ConsistencyReport, ConsistencySource, RepairResult } from "./ops_client.ts";

/** The insights consistency service called in-process over `stores`. */
export function directConsistency(stores: Stores, log: Logger): ConsistencySource {
  return {
    report: () => consistencyReport(stores),
    repair: () => repairConsistency(stores, log),
  };
}

/** `GET /api/v1/admin/consistency` and `POST /api/v1/admin/consistency/repair` of the API. */
export function apiConsistency(api: ApiTarget): ConsistencySource {
  return {
    report: () => callApi<ConsistencyReport>(api, "GET", "/api/v1/admin/consistency"),
    repair: () => callApi<RepairResult>(api, "POST", "/api/v1/admin/consistency/repair"),
  };
}

/** The API's routes when a token names an admin of a running API, else the in-process service. */
export function consistencySource(
  stores: Stores,
  log: Logger,
  api: ApiTarget | null,
): ConsistencySource {
  return api ? apiConsistency(api) : directConsistency(stores, log);
}
