/**
 * Keeps this instance's view of users' grants in step with every other instance: subscribes to
 * GRANTS_CHANNEL (dropping the in-process memo's entry on each message, emptying it when the
 * subscription is cut) and drains the invalidation outbox on a timer. One per running instance.
 *
 * @module
 */
import { drainOutbox, startOutboxDrain } from "../../caching/invalidation_outbox.ts";
import type { Deps } from "../../http/types.ts";
import { ALL_USERS, GRANTS_CHANNEL } from "./principal.ts";

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
  // Counts cuts of the subscription: the memo may be turned on only if none happened since the
  // step that wants to turn it on began (a cut during the drain below must win).
  let cuts = 0;

  /** Drains what is owed, then trusts the memo, unless stopped or cut meanwhile. */
  const resume = async () => {
    retry = undefined;
    const seen = cuts;
    try {
      await drainOutbox(outbox);
    } catch {
      // The memo stays off (reads settle the outbox themselves) and this is tried again.
      cached.suspect();
      if (!stopped && cuts === seen) retry = setTimeout(resume, options.retryEveryMs ?? 5_000);
      return;
    }
    if (!stopped && cuts === seen) memo.enable();
  };

  const subscribe = async () => {
    retry = undefined;
    if (stopped) return;
    try {
      const off = await cache.subscribe(GRANTS_CHANNEL, (userId) => {
        if (userId === ALL_USERS) memo.dropAll();
        else memo.drop(userId);
      }, {
        onInterrupted: () => {
          cuts++;
          memo.disable();
          cached.suspect();
          log.warn("grant change subscription cut; grants come from the cache or database");
        },
        onResumed: () => {
          log.info("grant change subscription restored");
          void resume();
        },
      });
      if (stopped) return void await off();
      unsubscribe = off;
      // Whatever was owed while this instance was not listening lands before the memo is used.
      await resume();
    } catch (err) {
      log.warn("cannot subscribe to grant changes; retrying", { error: String(err) });
      if (!stopped) retry = setTimeout(subscribe, options.retryEveryMs ?? 5_000);
    }
  };

  await subscribe();
  const stopDrain = startOutboxDrain(outbox, options.drainEveryMs ?? 2_000);
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    await stopDrain();
    memo.disable();
    await unsubscribe?.();
  };
}
