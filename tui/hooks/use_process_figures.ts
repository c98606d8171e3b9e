/**
 * Polls the API's /metrics (when the client names an API) and turns consecutive samples into
 * req/s, p99 and RSS; an unreachable API is a note, never a crash. @module
 */
import { useRef } from "react";
import type { OpsClient } from "../ops_client.ts";
import {
  type MetricsSample,
  parseMetrics,
  type ProcessFigures,
  processFigures,
} from "../process_metrics.ts";
import { usePolling } from "./use_polling.ts";

export interface ProcessView {
  readonly figures: ProcessFigures | null;
  readonly error: string | null;
}

export function useProcessFigures(
  client: OpsClient,
  refreshMs: number,
  tick: number,
): ProcessView | null {
  const prev = useRef<MetricsSample | null>(null);
  const source = client.apiMetrics;
  const polled = usePolling(
    async () => {
      if (!source) return null;
      const cur = parseMetrics(await source(), Date.now());
      const figures = processFigures(prev.current, cur);
      prev.current = cur;
      return figures;
    },
    source ? refreshMs : 0,
    tick,
    source !== null,
  );
  if (!source) return null;
  return { figures: polled.data, error: polled.error };
}
