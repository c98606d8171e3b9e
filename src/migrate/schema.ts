// Brings a deployment's schema up to date before anything uses it (the API at start, the ops CLI),
// and drops the cached grants a migration may have made stale.
import { dropAllGrants } from "../auth/mod.ts";
import type { Logger } from "../log.ts";
import { loadMigrations } from "./files.ts";
import { migrateUp } from "./runner.ts";
import type { Stores } from "../stores/types.ts";

/** Applies pending migrations; returns the versions applied. */
export async function bringSchemaUp(
  stores: Pick<Stores, "relational" | "cache">,
  log: Logger,
): Promise<number[]> {
  const applied = await migrateUp(stores.relational, await loadMigrations());
  if (applied.length > 0) {
    log.info("migrations applied", { versions: applied });
    // A migration may have changed role JSON; cached grants would keep the old one for 15 min.
    await dropAllGrants(stores.cache).catch((err) =>
      log.warn("cached grants not dropped after migrations", { error: String(err) })
    );
  }
  return applied;
}
