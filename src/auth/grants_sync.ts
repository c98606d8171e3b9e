// Keeps this instance's view of users' grants in step with every other instance: subscribes to
// GRANTS_CHANNEL (dropping the in-process memo's entry on each message, emptying it when the
// subscription is cut) and drains the invalidation outbox on a timer. One per running instance.
import { drainOutbox, startOutboxDrain } from "../caching/invalidation_outbox.ts";
import type { Deps } from "../http/types.ts";
import { GRANTS_CHANNEL } from "./principal.ts";

export interface GrantsSyncOptions {
  /** How often the outbox is drained (owed invalidations of stopped instances). */
  drainEveryMs?: number;
  /** How soon a failed subscription is tried again. */
  retryEveryMs?: number;
}

/** Starts the subscription and the drain; the returned function stops both. */
export async function startGrantsSync(
  deps: Pick<Deps, "stores" | "cached" | "grants" | "log">,
  options: GrantsSyncOptions = {},
): Promise<() => Promise<void>> {
  const { cache, relational: db } = deps.stores;
  const { cached, grants: memo, log } = deps;
  const outbox = { db, cache, cached, log };
  let stopped = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const subscribe = async () => {
    retry = undefined;
    try {
      const off = await cache.subscribe(GRANTS_CHANNEL, (userId) => memo.drop(userId), {
        onInterrupted: () => {
          memo.disable();
          cached.suspect();
          log.warn("grant change subscription cut; grants come from the cache or database");
        },
        onResumed: () => {
          memo.enable();
          log.info("grant change subscription restored");
        },
      });
      if (stopped) return void await off();
      unsubscribe = off;
      // Whatever was owed while this instance was not listening lands before the memo is used.
      await drainOutbox(outbox).catch(() => cached.suspect());
      memo.enable();
    } catch (err) {
      log.warn("cannot subscribe to grant changes; retrying", { error: String(err) });
      if (!stopped) retry = setTimeout(subscribe, options.retryEveryMs ?? 5_000);
    }
  };

  await subscribe();
  const stopDrain = startOutboxDrain(outbox, options.drainEveryMs ?? 2_000);
  return async () => {
    stopped = true;
    stopDrain();
    if (retry !== undefined) clearTimeout(retry);
    memo.disable();
    await unsubscribe?.();
  };
}
