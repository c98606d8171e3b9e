// Work that runs beside the HTTP server: the standard buckets made ready at start and monthly
// partitions made ahead. The folder store's lifecycle sweep runs in the files domain's jobs, under
// a lock (src/files/sweep.ts). Returns a stop function.
import type { Logger } from "../log.ts";
import { ensureStandardBuckets } from "../stores/objects/buckets.ts";
import type { Stores } from "../stores/types.ts";
import { startPartitionUpkeep } from "../ops/mod.ts";

const PARTITIONS_EVERY_MS = 6 * 60 * 60 * 1000;

export async function startBackgroundJobs(stores: Stores, log: Logger): Promise<() => void> {
  await ensureStandardBuckets(stores.objects);
  const stops: (() => void)[] = [];
  stops.push(startPartitionUpkeep(stores.relational, log, PARTITIONS_EVERY_MS));
  return () => stops.forEach((stop) => stop());
}
