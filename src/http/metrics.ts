/**
 * Prometheus metrics: a registry per app (no global state), request counts and durations by
 * route pattern (never raw paths, which would explode label cardinality), and the process gauges.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { routeKey } from "./guard.ts";

export interface HttpMetrics {
  registry: Registry;
  middleware: MiddlewareHandler;
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
  // prom-client hashes a label object on every call; the bound children are looked up by one
  // string instead. Routes are patterns and statuses few, so these maps stay small.
  const counters = new Map<string, { inc(): void }>();
  const timers = new Map<string, { observe(v: number): void }>();
  return {
    registry,
    middleware: async function metricsMiddleware(c, next) {
      const started = performance.now();
      await next();
      const method = c.req.method;
      const route = routeKey(c)?.split(" ")[1] ?? "unmatched";
      const status = c.res.status;
      const timerKey = `${method} ${route}`;
      const countKey = `${timerKey} ${status}`;
      let counter = counters.get(countKey);
      if (counter === undefined) {
        counter = requests.labels(method, route, String(status));
        counters.set(countKey, counter);
      }
      counter.inc();
      let timer = timers.get(timerKey);
      if (timer === undefined) {
        timer = duration.labels(method, route);
        timers.set(timerKey, timer);
      }
      timer.observe((performance.now() - started) / 1000);
    },
  };
}
