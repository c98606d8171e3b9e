/**
 * Per-store health for operators: the adapter's own probe (bounded), plus version and pool use
 * where the port can tell them. Stays up when a store is down and says so.
 *
 * @module
 */
import { withTimeout } from "../stores/resilience.ts";
import { STORE_ROLES } from "../stores/types.ts";
import type { OpsContext, StoreHealthDetail, StoreRole } from "./types.ts";

async function relationalVersion(ctx: OpsContext): Promise<string | null> {
  try {
    const r = await ctx.stores.relational.query<{ v: string }>(
      "select current_setting('server_version') as v",
    );
    return r.rows[0]?.v ?? null;
  } catch {
    return null;
  }
}

/** Every store's status, latency, version (where known) and pool use (where known). */
export async function storeHealth(ctx: OpsContext): Promise<StoreHealthDetail[]> {
  const limit = Math.min(ctx.config.storeTimeoutMs, 3000);
  const pgVersion = await withTimeout("relational", limit, relationalVersion(ctx), "version")
    .catch(() => null);
  return await Promise.all(STORE_ROLES.map(async (role: StoreRole) => {
    const store = ctx.stores[role];
    const started = performance.now();
    let base;
    try {
      base = await withTimeout(role, limit, store.health(), "health probe");
    } catch (err) {
      base = {
        status: "down" as const,
        latency_ms: Math.round(performance.now() - started),
        adapter: store.adapter,
        detail: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
      };
    }
    // The embedded documents and graph stores live in the relational store: same version.
    const onPostgres = role === "relational" ||
      ((role === "documents" || role === "graph") && store.adapter.startsWith("postgres"));
    const version = onPostgres && pgVersion ? `postgres ${pgVersion}` : null;
    const pool = role === "relational" ? ctx.stores.relational.poolStats?.() ?? null : null;
    return { ...base, role, up: base.status === "ok", version, pool };
  }));
}
