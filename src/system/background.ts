// Work that runs beside the HTTP server: the standard buckets made ready at start, monthly
// partitions made ahead, and the folder object store's lifecycle sweeper (MinIO applies lifecycle
// rules itself). Returns a stop function.
import type { Logger } from "../log.ts";
import { ensureStandardBuckets } from "../stores/objects/buckets.ts";
import { hasLifecycleSweep } from "../stores/objects/capabilities.ts";
import type { Stores } from "../stores/types.ts";
import { startPartitionUpkeep } from "./partitions.ts";

const SWEEP_EVERY_MS = 60 * 60 * 1000;
const PARTITIONS_EVERY_MS = 6 * 60 * 60 * 1000;

export async function startBackgroundJobs(stores: Stores, log: Logger): Promise<() => void> {
  await ensureStandardBuckets(stores.objects);
  const stops: (() => void)[] = [];
  stops.push(startPartitionUpkeep(stores.relational, log, PARTITIONS_EVERY_MS));
  if (hasLifecycleSweep(stores.objects)) {
    const objects = stores.objects;
    const timer = setInterval(() => {
      objects.sweep().catch((err) =>
        log.warn("object lifecycle sweep failed", { error: String(err) })
      );
    }, SWEEP_EVERY_MS);
    stops.push(() => clearInterval(timer));
  }
  return () => stops.forEach((stop) => stop());
}
