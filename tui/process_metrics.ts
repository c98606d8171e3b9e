/**
 * The API process figures for the Health screen (requests per second, p99 latency, resident
 * memory), read from two samples of its Prometheus `/metrics` text. @module
 */

export interface MetricsSample {
  readonly at: number;
  readonly requests: number;
  /** Cumulative request counts by histogram upper bound (seconds), summed over labels. */
  readonly buckets: ReadonlyMap<number, number>;
  readonly rssBytes: number | null;
}

export interface ProcessFigures {
  readonly rps: number | null;
  readonly p99_ms: number | null;
  readonly rss_bytes: number | null;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/;

/** Reads the figures we need from Prometheus text taken at `at`. */
export function parseMetrics(text: string, at: number): MetricsSample {
  let requests = 0;
  let rssBytes: number | null = null;
  const buckets = new Map<number, number>();
  for (const line of text.split("\n")) {
    const m = line.match(LINE);
    if (!m) continue;
    const [, name, labels = "", raw] = m;
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    if (name === "polystore_http_requests_total") requests += value;
    else if (name === "process_resident_memory_bytes") rssBytes = value;
    else if (name === "polystore_http_request_duration_seconds_bucket") {
      const le = labels.match(/le="([^"]+)"/)?.[1];
      const bound = le === "+Inf" ? Infinity : Number(le);
      if (le !== undefined && !Number.isNaN(bound)) {
        buckets.set(bound, (buckets.get(bound) ?? 0) + value);
      }
    }
  }
  return { at, requests, buckets, rssBytes };
}

/** p99 in ms from cumulative bucket counts: the smallest bound holding 99% of requests. */
function p99(buckets: ReadonlyMap<number, number>): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? (bounds.length ? buckets.get(bounds.at(-1)!)! : 0);
  if (!total) return null;
  for (const b of bounds) {
    if (buckets.get(b)! >= total * 0.99) return Number.isFinite(b) ? b * 1000 : null;
  }
  return null;
}

/** Figures between two samples (rate and p99 over the interval); `prev` null: since start. */
export function processFigures(prev: MetricsSample | null, cur: MetricsSample): ProcessFigures {
  if (prev === null || cur.at <= prev.at || cur.requests < prev.requests) {
    return { rps: null, p99_ms: p99(cur.buckets), rss_bytes: cur.rssBytes };
  }
  const delta = new Map<number, number>();
  for (const [b, n] of cur.buckets) delta.set(b, n - (prev.buckets.get(b) ?? 0));
  const interval = p99(delta);
  return {
    rps: ((cur.requests - prev.requests) * 1000) / (cur.at - prev.at),
    p99_ms: interval ?? p99(cur.buckets),
    rss_bytes: cur.rssBytes,
  };
}
