/**
 * The admin routes of a running API, for what only the API process knows (its read-through hit
 * counters) or should do itself (an audited consistency repair). Used when the TUI is started
 * with `--api URL --token JWT`; the token must be an admin's.
 *
 * @module
 */
import type { CacheStats } from "../src/ops/mod.ts";
import { cacheStatsView } from "./direct_client.ts";
import type { CacheStatsView } from "./ops_client.ts";

/** A running API and an admin's bearer token. */
export interface ApiTarget {
  readonly url: string;
  readonly token: string;
  /** Injected in tests (e.g. the app's own `request`); the global fetch otherwise. */
  readonly fetch?: (req: Request) => Response | Promise<Response>;
  readonly timeoutMs?: number;
}

/** Calls `path` on the API; a non-2xx answer rejects with its status and problem detail. */
export async function callApi<T>(api: ApiTarget, method: "GET" | "POST", path: string): Promise<T> {
  const send = api.fetch ?? ((req: Request) => fetch(req));
  const req = new Request(new URL(path, api.url), {
    method,
    headers: { Authorization: `Bearer ${api.token}`, Accept: "application/json" },
    signal: AbortSignal.timeout(api.timeoutMs ?? 30_000),
  });
  const res = await send(req);
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${problemReason(text)}`);
  return JSON.parse(text) as T;
}

/** The problem+json detail (or title) of an error answer, else the start of its text. */
function problemReason(text: string): string {
  try {
    const p = JSON.parse(text) as { detail?: unknown; title?: unknown };
    const r = typeof p.detail === "string" && p.detail ? p.detail : p.title;
    if (typeof r === "string" && r) return r;
  } catch {
    // not JSON: fall through
  }
  return text.slice(0, 200) || "no reason given";
}

/** `GET /api/v1/admin/cache/stats`: the API process's read-through hit ratio per namespace. */
export function apiCacheStats(api: ApiTarget): () => Promise<CacheStatsView> {
  return async () =>
    cacheStatsView(await callApi<CacheStats>(api, "GET", "/api/v1/admin/cache/stats"), api.url);
}
