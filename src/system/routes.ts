// Liveness, readiness (every store's status and latency; 503 when one is down) and metrics.
import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import type { StoreHealth } from "../stores/health.ts";
import { STORE_ROLES } from "../stores/types.ts";
import { withTimeout } from "../stores/resilience.ts";
import type { Registry } from "prom-client";
import { lastJobs, opsContextFromDeps, storeHealth } from "../ops/mod.ts";

const StoreHealthSchema = z.object({
  status: z.enum(["ok", "down"]),
  latency_ms: z.number(),
  adapter: z.string(),
  detail: z.string().optional(),
  version: z.string().nullable().optional(),
  pool: z.object({ total: z.number(), idle: z.number(), waiting: z.number() }).nullable()
    .optional(),
}).openapi("StoreHealth");

const JobSchema = z.object({
  state: z.string(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  error: z.string().nullable(),
}).nullable();

const ReadySchema = z.object({
  status: z.enum(["ok", "degraded"]),
  stores: z.record(z.string(), StoreHealthSchema),
  /** The last backup and partition runs (a failed one shows here; it does not fail /ready). */
  jobs: z.object({ backup: JobSchema, partitions: JobSchema }).optional(),
}).openapi("Readiness");

const health = createRoute({
  method: "get",
  path: "/health",
  tags: ["system"],
  summary: "Liveness: the process answers",
  responses: {
    200: {
      description: "Alive",
      content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } },
    },
  },
});

const ready = createRoute({
  method: "get",
  path: "/ready",
  tags: ["system"],
  summary: "Readiness: every store answers a live probe",
  responses: {
    200: { description: "All stores up", content: { "application/json": { schema: ReadySchema } } },
    503: {
      description: "A store is down",
      content: { "application/json": { schema: ReadySchema } },
    },
  },
});

const metrics = createRoute({
  method: "get",
  path: "/metrics",
  tags: ["system"],
  summary: "Prometheus metrics",
  responses: { 200: { description: "Prometheus text format" } },
});

/** Probes every store at once, each bounded so /ready never hangs on a dead server. */
export async function probeStores(deps: Deps): Promise<Record<string, StoreHealth>> {
  const limit = Math.min(deps.config.storeTimeoutMs, 3000);
  const results = await Promise.all(STORE_ROLES.map(async (role) => {
    const store = deps.stores[role];
    const started = performance.now();
    try {
      return [role, await withTimeout(role, limit, store.health(), "health probe")] as const;
    } catch (err) {
      const h: StoreHealth = {
        status: "down",
        latency_ms: Math.round(performance.now() - started),
        adapter: store.adapter,
        detail: err instanceof Error ? err.message : String(err),
      };
      return [role, h] as const;
    }
  }));
  return Object.fromEntries(results);
}

export function systemRoutes(deps: Deps, registry: Registry) {
  const app = createRouter();
  app.openapi(health, (c) => c.json({ status: "ok" as const }, 200));
  app.openapi(ready, async (c) => {
    const ctx = opsContextFromDeps(deps);
    const [health, jobs] = await Promise.all([storeHealth(ctx), lastJobs(ctx)]);
    const stores = Object.fromEntries(
      health.map(({ role, up: _up, ...h }) => [role, h] as const),
    );
    const down = Object.values(stores).some((s) => s.status === "down");
    if (down) c.header("Retry-After", "5");
    return c.json(
      { status: down ? "degraded" as const : "ok" as const, stores, jobs },
      down ? 503 : 200,
    );
  });
  app.openapi(metrics, async (c) => {
    return c.text(await registry.metrics(), 200, { "Content-Type": registry.contentType });
  });
  return app;
}
