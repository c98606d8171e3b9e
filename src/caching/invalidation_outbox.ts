/**
 * Cache invalidations that must not be lost: written to the relational store in the transaction of
 * the change they follow, applied right after commit, and re-applied by any instance's drain job
 * while the cache was down or the instance that owed them stopped. Applying one twice is harmless.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import type { Queryable } from "../stores/relational/port.ts";
import type { ReadThroughCache } from "./read_through.ts";

export interface Invalidation {
  namespace: string;
  /** Keys to drop once the generation moved (frees memory; the bump already hides them). */
  dropKeys?: string[];
  /** Announced on `channel` once applied, for instances that keep copies in process. */
  channel?: string;
  message?: string;
}

interface OutboxRow extends Record<string, unknown> {
  id: string;
  namespace: string;
  drop_keys: string[];
  channel: string | null;
  message: string | null;
}

export interface OutboxDeps {
  db: Queryable;
  cache: CacheStore;
  cached: ReadThroughCache;
  log: Logger;
}

/** How many owed invalidations one drain applies; the rest wait for the next round. */
const DRAIN_BATCH = 200;

/** Records `inv` with `tx`, the transaction of the change; returns the row id. */
export async function recordInvalidation(tx: Queryable, inv: Invalidation): Promise<string> {
  const r = await tx.query<{ id: string }>(
    `insert into cache_invalidations (namespace, drop_keys, channel, message)
     values ($1, $2, $3, $4) returning id::text as id`,
    [inv.namespace, inv.dropKeys ?? [], inv.channel ?? null, inv.message ?? null],
    { name: "outbox_insert" },
  );
  return r.rows[0].id;
}

async function apply(deps: OutboxDeps, inv: Invalidation, id: string): Promise<void> {
  await deps.cached.invalidateNow(inv.namespace, { keys: inv.dropKeys ?? [] });
  if (inv.channel && inv.message !== undefined) await deps.cache.publish(inv.channel, inv.message);
  await deps.db.query("delete from cache_invalidations where id = $1", [id], {
    name: "outbox_delete",
  });
}

/**
 * Applies the row written by recordInvalidation once its transaction committed. A failure leaves
 * the row for the drain job and is logged, never thrown: the change itself has committed.
 */
export async function applyAfterCommit(
  deps: OutboxDeps,
  inv: Invalidation,
  id: string,
): Promise<void> {
  try {
    await apply(deps, inv, id);
  } catch (err) {
    deps.cached.suspect();
    deps.log.warn("cache invalidation owed; the outbox keeps it until the cache is back", {
      namespace: inv.namespace,
      error: String(err),
    });
  }
}

/** Applies every owed invalidation, oldest first; throws (leaving the rest) when one fails. */
export async function drainOutbox(deps: OutboxDeps): Promise<number> {
  let applied = 0;
  for (;;) {
    const r = await deps.db.query<OutboxRow>(
      `select id::text as id, namespace, drop_keys, channel, message
         from cache_invalidations order by id limit ${DRAIN_BATCH}`,
      [],
      { name: "outbox_pending" },
    );
    for (const row of r.rows) {
      const inv: Invalidation = { namespace: row.namespace, dropKeys: row.drop_keys };
      if (row.channel !== null && row.message !== null) {
        inv.channel = row.channel;
        inv.message = row.message;
      }
      await apply(deps, inv, row.id);
      applied++;
    }
    if (r.rows.length < DRAIN_BATCH) return applied;
  }
}

/**
 * Drains the outbox every `everyMs` on this instance (every instance runs one: no leader is
 * needed, since applying twice is harmless). Returns a stop function that also waits for a drain
 * in progress, so the stores can be closed after it.
 */
export function startOutboxDrain(deps: OutboxDeps, everyMs: number): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = (async () => {
      try {
        const n = await drainOutbox(deps);
        if (n > 0) deps.log.info("owed cache invalidations applied", { count: n });
      } catch (err) {
        deps.log.debug("outbox drain failed; retrying", { error: String(err) });
      } finally {
        running = undefined;
      }
    })();
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await running;
  };
}
