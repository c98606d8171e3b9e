/**
 * Keeps each store's latencies of the last `windowMs` (a minute by default) for the sparklines;
 * a probe that found the store down is recorded as null. @module
 */
import { useRef } from "react";
import type { StoreStatus } from "../ops_client.ts";

export type LatencyHistory = Readonly<Record<string, readonly (number | null)[]>>;

interface Sample {
  readonly at: number;
  readonly latency: number | null;
}

/** Appends `statuses` (read at `at`) to `history`, dropping samples older than the window. */
export function appendSamples(
  history: Readonly<Record<string, readonly Sample[]>>,
  statuses: readonly StoreStatus[],
  at: number,
  windowMs: number,
): Record<string, Sample[]> {
  const out: Record<string, Sample[]> = {};
  for (const s of statuses) {
    const prev = (history[s.role] ?? []).filter((p) => at - p.at < windowMs);
    out[s.role] = [...prev, { at, latency: s.status === "ok" ? s.latency_ms : null }];
  }
  return out;
}

/** The history including the probe read at `at`, updated in the same render that shows it. */
export function useLatencyHistory(
  statuses: readonly StoreStatus[] | null,
  at: number | null,
  windowMs = 60_000,
): LatencyHistory {
  const samples = useRef<Record<string, Sample[]>>({});
  const seen = useRef<number | null>(null);
  if (statuses !== null && at !== null && at !== seen.current) {
    seen.current = at;
    samples.current = appendSamples(samples.current, statuses, at, windowMs);
  }
  const view: Record<string, (number | null)[]> = {};
  for (const [role, list] of Object.entries(samples.current)) {
    view[role] = list.map((s) => s.latency);
  }
  return view;
}
