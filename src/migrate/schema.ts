// Brings a deployment's schema up to date before anything uses it (the API at start, the ops CLI),
// and retires the cached reads a migration may have made stale.
import { allGrantsInvalidation } from "../auth/mod.ts";
import { applyAfterCommit, recordInvalidation } from "../caching/invalidation_outbox.ts";
import { ReadThroughCache } from "../caching/read_through.ts";
import type { Logger } from "../log.ts";
import { loadMigrations } from "./files.ts";
import { migrateUp } from "./runner.ts";
import type { Queryable } from "../stores/relational/port.ts";
import type { Stores } from "../stores/types.ts";

/** Applies pending migrations; returns the versions applied. */
export async function bringSchemaUp(
  stores: Pick<Stores, "relational" | "cache">,
  log: Logger,
): Promise<number[]> {
  const applied = await migrateUp(stores.relational, await loadMigrations());
  if (applied.length > 0) {
    log.info("migrations applied", { versions: applied });
    await retireCachedReads(stores, log);
  }
  return applied;
}

/**
 * A migration may change what any cached read describes: role JSON under every user's grants, a
 * column under a list page. Every cached read is retired on every instance, through the outbox:
 * a cache that is down now gets it from the first instance that drains the outbox once it is back.
 */
export async function retireCachedReads(
  stores: Pick<Stores, "relational" | "cache">,
  log: Logger,
): Promise<void> {
  const invalidation = allGrantsInvalidation();
  const id = await oweCachedReadsRetirement(stores.relational);
  const cached = new ReadThroughCache(stores.cache, log);
  await applyAfterCommit(
    { db: stores.relational, cache: stores.cache, cached, log },
    invalidation,
    id,
  );
}

/**
 * Records that retirement in the outbox only, for a process that does not use the cache (the
 * migrate CLI): every running instance's drain applies it within its interval (2 s by default).
 */
export function oweCachedReadsRetirement(db: Queryable): Promise<string> {
  return recordInvalidation(db, allGrantsInvalidation());
}
