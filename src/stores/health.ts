/**
 * The health report every store adapter returns; /ready and the TUI show these as they are.
 *
 * @module
 */

/** One store's status as seen by a live round trip. */
export interface StoreHealth {
  status: "ok" | "down";
  /** Round-trip time of the probe in milliseconds. */
  latency_ms: number;
  /** Which adapter answers for the role, e.g. "pg", "pglite", "mongodb", "postgres-jsonb". */
  adapter: string;
  /** Short reason when down; never a secret or a connection string. */
  detail?: string;
}

/** Runs `probe` and turns its outcome and duration into a StoreHealth. */
export async function measureHealth(
  adapter: string,
  probe: () => Promise<unknown>,
): Promise<StoreHealth> {
  const started = performance.now();
  try {
    await probe();
    return { status: "ok", latency_ms: round(performance.now() - started), adapter };
  } catch (err) {
    return {
      status: "down",
      latency_ms: round(performance.now() - started),
      adapter,
      detail: err instanceof Error ? err.message.slice(0, 200) : String(err).slice(0, 200),
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
