/**
 * Prometheus metrics: a registry per app (no global state), request counts and durations by
 * route pattern (never raw paths, which would explode label cardinality), and the process gauges.
 *
 * @module
 */
import type { Context } from "hono";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { answeringRoute } from "./guard.ts";

export interface HttpMetrics {
  registry: Registry;
  /** Counts and times an answered request (`started` from `performance.now()`). */
  record(c: Context, started: number): void;
}

export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "polystore_http_requests_total",
    help: "HTTP requests by route and status",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "polystore_http_request_duration_seconds",
    help: "HTTP request duration by route",
    labelNames: ["method", "route"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  // prom-client hashes a label object on every call; the bound children are kept by route,
  // method and status instead (routes are patterns and statuses few, so this stays small).
  type Series = { timer: { observe(v: number): void }; counters: Map<number, { inc(): void }> };
  const byRoute = new Map<string, Map<string, Series>>();
  return {
    registry,
    record: function recordRequest(c, started) {
      const method = c.req.method;
      const route = answeringRoute(c)?.path ?? "unmatched";
      const status = c.res.status;
      let byMethod = byRoute.get(route);
      if (byMethod === undefined) byRoute.set(route, byMethod = new Map());
      let series = byMethod.get(method);
      if (series === undefined) {
        series = { timer: duration.labels(method, route), counters: new Map() };
        byMethod.set(method, series);
      }
      let counter = series.counters.get(status);
      if (counter === undefined) {
        counter = requests.labels(method, route, String(status));
        series.counters.set(status, counter);
      }
      counter.inc();
      series.timer.observe((performance.now() - started) / 1000);
    },
  };
}
