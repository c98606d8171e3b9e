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
import type { ConsistencyReport, ConsistencySource, RepairResult } from "./ops_client.ts";

/** The insights consistency service called in-process over `stores`. */
export function directConsistency(stores: Stores, log: Logger): ConsistencySource {
  return {
    report: () => consistencyReport(stores),
    repair: () => repairConsistency(stores, log),
  };
}

/** A running API and an admin's bearer token. */
export interface ApiTarget {
  readonly url: string;
  readonly token: string;
  /** Injected in tests (e.g. the app's own `request`); the global fetch otherwise. */
  readonly fetch?: (req: Request) => Response | Promise<Response>;
  readonly timeoutMs?: number;
}

/** `GET /api/v1/admin/consistency` and `POST /api/v1/admin/consistency/repair` of the API. */
export function apiConsistency(api: ApiTarget): ConsistencySource {
  const send = api.fetch ?? ((req: Request) => fetch(req));
  async function call<T>(method: "GET" | "POST", path: string): Promise<T> {
    const req = new Request(new URL(path, api.url), {
      method,
      headers: { Authorization: `Bearer ${api.token}`, Accept: "application/json" },
      signal: AbortSignal.timeout(api.timeoutMs ?? 30_000),
    });
    const res = await send(req);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${reason(text)}`);
    return JSON.parse(text) as T;
  }
  return {
    report: () => call<ConsistencyReport>("GET", "/api/v1/admin/consistency"),
    repair: () => call<RepairResult>("POST", "/api/v1/admin/consistency/repair"),
  };
}

/** The problem+json detail (or title) of an error answer, else the start of its text. */
function reason(text: string): string {
  try {
    const p = JSON.parse(text) as { detail?: unknown; title?: unknown };
    const r = typeof p.detail === "string" ? p.detail : p.title;
    if (typeof r === "string" && r) return r;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || "no reason given";
}

/** The API's routes when a token names an admin of a running API, else the in-process service. */
export function consistencySource(
  stores: Stores,
  log: Logger,
  api: ApiTarget | null,
): ConsistencySource {
  return api ? apiConsistency(api) : directConsistency(stores, log);
}
