/**
 * The insights domain's background work: the graph projector and the processing worker. Both are
 * safe with several instances (per-aggregate leases; SKIP LOCKED job claims).
 * @module
 */
import type { Deps } from "../http/types.ts";
import { indexesOnce } from "./documents.ts";
import { startProcessing } from "./processing.ts";
import { startProjector } from "./projector.ts";

export async function startInsightJobs(deps: Deps): Promise<() => Promise<void>> {
  const ready = indexesOnce(deps.stores.documents);
  await ready().catch((err) =>
    deps.log.warn("insight indexes not created yet; retried on first use", { error: String(err) })
  );
  const { pollMs, maxAttempts, maxBackoffMs } = deps.config.insights;
  const stopProjector = startProjector(deps.stores, deps.log, {
    owner: `projector-${crypto.randomUUID()}`,
    intervalMs: pollMs,
    maxBackoffMs,
  });
  const stopProcessing = startProcessing(
    { stores: deps.stores, cached: deps.cached, now: deps.now, ready },
    deps.log,
    { intervalMs: pollMs, maxAttempts, maxBackoffMs },
  );
  return async () => {
    await stopProcessing();
    await stopProjector();
  };
}
