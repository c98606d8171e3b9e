/**
 * Prometheus metrics for operations: store calls by port and operation (latency histogram and
 * errors, fed by the instrumenting decorator), cache ops/s, and gauges read at scrape time: last
 * successful backup's age, the last partition run, and rows waiting in outbox tables.
 *
 * @module
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { StoreObserver } from "../stores/instrument.ts";
import { lastSucceeded } from "./backup/catalogue.ts";
import { outboxPositions, processingQueue } from "./backup/relational.ts";
import type { OpsRateSource } from "./cache_inspect.ts";
import { lastPartitionRun } from "./partitions.ts";
import type { OpsContext } from "./types.ts";

export interface StoreMetrics {
  observe: StoreObserver;
  /** Cache operations per second over the last minute (this process). */
  cacheRate: OpsRateSource;
}

/** Registers the store-call metrics and returns the observer to instrument stores with. */
export function createStoreMetrics(registry: Registry): StoreMetrics {
  const duration = new Histogram({
    name: "polystore_store_call_duration_seconds",
    help: "Store calls by port and operation",
    labelNames: ["port", "operation"],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  const errors = new Counter({
    name: "polystore_store_call_errors_total",
    help: "Store calls that failed, by port and operation",
    labelNames: ["port", "operation"],
    registers: [registry],
  });
  // Per-second buckets of cache calls over the last 60 s.
  const buckets = new Map<number, number>();
  // Bound histogram children by "port operation": no label object hashed per store call.
  const timers = new Map<string, { observe(v: number): void }>();
  return {
    observe(port, operation, seconds, ok) {
      const key = `${port} ${operation}`;
      let timer = timers.get(key);
      if (timer === undefined) {
        timer = duration.labels(port, operation);
        timers.set(key, timer);
      }
      timer.observe(seconds);
      if (!ok) errors.inc({ port, operation });
      if (port === "cache") {
        const s = Math.floor(Date.now() / 1000);
        buckets.set(s, (buckets.get(s) ?? 0) + 1);
        if (buckets.size > 120) {
          for (const k of buckets.keys()) if (k < s - 60) buckets.delete(k);
        }
      }
    },
    cacheRate: {
      opsPerSecond() {
        const s = Math.floor(Date.now() / 1000);
        let n = 0;
        for (const [k, v] of buckets) if (k >= s - 60 && k < s) n += v;
        return Math.round((n / 60) * 100) / 100;
      },
    },
  };
}

/** Gauges computed when /metrics is scraped; a store that is down leaves them unset. */
export function registerOpsGauges(registry: Registry, ctx: OpsContext): void {
  new Gauge({
    name: "polystore_backup_last_success_age_seconds",
    help: "Seconds since the last successful backup finished (absent when none)",
    registers: [registry],
    async collect() {
      this.reset();
      const last = await lastSucceeded(ctx.stores.relational).catch(() => null);
      if (last?.finished_at) this.set((ctx.now() - Date.parse(last.finished_at)) / 1000);
    },
  });
  new Gauge({
    name: "polystore_partition_last_run_failed",
    help: "1 when the last partition archive run failed, 0 when it succeeded",
    registers: [registry],
    async collect() {
      this.reset();
      const last = await lastPartitionRun(ctx).catch(() => null);
      if (last) this.set(last.state === "failed" ? 1 : 0);
    },
  });
  new Gauge({
    name: "polystore_partition_last_run_timestamp_seconds",
    help: "When the last partition archive run started",
    registers: [registry],
    async collect() {
      this.reset();
      const last = await lastPartitionRun(ctx).catch(() => null);
      if (last) this.set(Date.parse(last.started_at) / 1000);
    },
  });
  new Gauge({
    name: "polystore_outbox_backlog",
    help: "Rows waiting in each outbox table",
    labelNames: ["table"],
    registers: [registry],
    async collect() {
      this.reset();
      const rows = await outboxPositions(ctx.stores.relational).catch(() => ({}));
      for (const [table, n] of Object.entries(rows)) this.set({ table }, n);
    },
  });
  new Gauge({
    name: "polystore_processing_queue",
    help: "Insight processing jobs waiting or running",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      this.reset();
      const jobs = await processingQueue(ctx.stores.relational).catch(() => ({}));
      for (const [state, n] of Object.entries(jobs)) this.set({ state }, n);
    },
  });
}

// Which rate source belongs to which (instrumented) stores bundle: one per app, dropped with it.
const rates = new WeakMap<object, OpsRateSource>();

/** Remembers the cache rate of an instrumented stores bundle, for the cache stats route. */
export function rememberCacheRate(stores: object, rate: OpsRateSource): void {
  rates.set(stores, rate);
}

/** The cache rate of an instrumented stores bundle, when it is one. */
export function cacheRateOf(stores: object): OpsRateSource | undefined {
  return rates.get(stores);
}
