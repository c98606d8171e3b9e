/**
 * The memo is trusted only while the subscription is whole: a cut that lands during the drain
 * that precedes enabling it keeps it off, and stopping keeps it off for good.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ReadThroughCache } from "../../caching/read_through.ts";
import { createLogger } from "../../log.ts";
import { openMemoryCache } from "../../stores/cache/memory.ts";
import type { CacheStore, SubscriptionEvents } from "../../stores/cache/port.ts";
import type { RelationalStore } from "../../stores/relational/port.ts";
import type { Stores } from "../../stores/types.ts";
import { GrantsMemo } from "./grants_memo.ts";
import { startGrantsSync } from "./grants_sync.ts";
import { allGrantsInvalidation, GRANTS_CHANNEL } from "./principal.ts";

function harness(onOutboxRead: (events: SubscriptionEvents) => void) {
  const real = openMemoryCache();
  let events: SubscriptionEvents = {};
  const cache: CacheStore = new Proxy(real, {
    get(target, prop) {
      if (prop !== "subscribe") {
        const v = Reflect.get(target, prop);
        return typeof v === "function" ? v.bind(target) : v;
      }
      return (channel: string, handler: (m: string) => void, ev?: SubscriptionEvents) => {
        events = ev ?? {};
        return target.subscribe(channel, handler, ev);
      };
    },
  });
  // Only the outbox is read by the sync; it is empty.
  const relational = {
    query: () => {
      onOutboxRead(events);
      return Promise.resolve({ rows: [], rowCount: 0 });
    },
  } as unknown as RelationalStore;
  const log = createLogger("silent");
  const deps = {
    stores: { cache, relational } as unknown as Stores,
    cached: new ReadThroughCache(cache, log),
    grants: new GrantsMemo(),
    log,
  };
  return { deps, events: () => events, close: () => real.close() };
}

const options = { drainEveryMs: 60_000, retryEveryMs: 60_000 };

Deno.test("grants sync: the memo turns on once subscribed and drained", async () => {
  const h = harness(() => {});
  const stop = await startGrantsSync(h.deps, options);
  assert.equal(h.deps.grants.live, true);
  await stop();
  assert.equal(h.deps.grants.live, false, "stopping turns the memo off");
  await h.close();
});

Deno.test("grants sync: a cut during the first drain keeps the memo off", async () => {
  let cut = false;
  const h = harness((events) => {
    if (cut) return;
    cut = true;
    events.onInterrupted?.();
  });
  const stop = await startGrantsSync(h.deps, options);
  assert.equal(h.deps.grants.live, false, "the memo was enabled although the subscription is cut");
  // When the subscription is whole again (and the outbox drained) the memo is trusted.
  h.events().onResumed?.();
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(h.deps.grants.live, true);
  await stop();
  await h.close();
});

Deno.test("grants sync: a user's message drops that user, '*' drops everyone", async () => {
  const h = harness(() => {});
  const stop = await startGrantsSync(h.deps, options);
  const memo = h.deps.grants;
  const grants = { roles: [], permissions: {}, companyIds: [] };
  const fill = () => {
    for (const id of ["a", "b", "c"]) memo.set(id, grants, memo.epoch);
  };
  const heard = () => new Promise((r) => setTimeout(r, 10));
  fill();
  const all = allGrantsInvalidation();
  await h.deps.stores.cache.publish(all.channel, all.message).then(heard);
  assert.deepEqual(["a", "b", "c"].map((id) => memo.get(id)), [undefined, undefined, undefined]);
  fill();
  await h.deps.stores.cache.publish(GRANTS_CHANNEL, "b").then(heard);
  assert.deepEqual(["a", "b", "c"].map((id) => memo.get(id) !== undefined), [true, false, true]);
  await stop();
  await h.close();
});
