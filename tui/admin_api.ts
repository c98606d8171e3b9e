/**
 * The admin routes of a running API, for what only the API process knows (its read-through hit
 * counters) or should do itself (an audited consistency repair). Used when the TUI is started
 * with `--api URL --token JWT`; the token must be an admin's.
 *
 * @module
 */
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

interface ApiCacheStats {
  keys: number;
  memory_bytes: number;
  namespaces: { namespace: string; hits: number; misses: number; hit_ratio: number | null }[];
}

/** `GET /api/v1/admin/cache/stats`: the API process's read-through hit ratio per namespace. */
export function apiCacheStats(api: ApiTarget): () => Promise<CacheStatsView> {
  return async () => {
    const s = await callApi<ApiCacheStats>(api, "GET", "/api/v1/admin/cache/stats");
    return {
      keys: s.keys,
      memory_bytes: s.memory_bytes,
      namespaces: s.namespaces.map((n) => ({
        namespace: n.namespace,
        hits: n.hits,
        misses: n.misses,
        ratio: n.hit_ratio,
      })),
      ratios_from: api.url,
    };
  };
}
