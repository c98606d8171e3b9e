// The in-process tier of the read-through cache: served only while live, never after a change
// to its namespace, never from a load that began before a change or a reset, and in step across
// instances that share a cache through generation_sync.ts.
import assert from "node:assert/strict";
import { z } from "zod";
import { createLogger } from "../log.ts";
import { openMemoryCache } from "../stores/cache/memory.ts";
import type { CacheStore, SubscriptionEvents } from "../stores/cache/port.ts";
import { startGenerationSync } from "./generation_sync.ts";
import { ALL_NAMESPACES, LocalTier } from "./local_tier.ts";
import { ReadThroughCache } from "./read_through.ts";

const TTL = 60_000;

Deno.test("LocalTier", async (t) => {
  await t.step("serves nothing until enabled, and nothing after a disable", () => {
    const tier = new LocalTier();
    tier.set("ns", "k", 1, tier.stamp(), TTL, 1);
    assert.equal(tier.get("ns", "k"), undefined);
    tier.enable();
    tier.set("ns", "k", 1, tier.stamp(), TTL, 1);
    assert.equal(tier.get("ns", "k"), 1);
    tier.disable();
    assert.equal(tier.get("ns", "k"), undefined);
    tier.enable();
    assert.equal(tier.get("ns", "k"), undefined, "begins empty");
  });

  await t.step("a change hides the namespace's entries and only them", () => {
    const tier = new LocalTier();
    tier.enable();
    tier.set("a", "a:1", "x", tier.stamp(), TTL, 1);
    tier.set("b", "b:1", "y", tier.stamp(), TTL, 1);
    tier.changed("a");
    assert.equal(tier.get("a", "a:1"), undefined);
    assert.equal(tier.get("b", "b:1"), "y");
    // A key looked up under another namespace is not a hit.
    assert.equal(tier.get("a", "b:1"), undefined);
  });

  await t.step("a change of every namespace hides them all, and loads begun before it", () => {
    const tier = new LocalTier();
    tier.enable();
    const before = tier.stamp();
    tier.set("a", "a:1", "x", tier.stamp(), TTL, 1);
    tier.set("b", "b:1", "y", tier.stamp(), TTL, 1);
    tier.changed(ALL_NAMESPACES);
    assert.equal(tier.get("a", "a:1"), undefined);
    assert.equal(tier.get("b", "b:1"), undefined);
    tier.set("a", "a:2", "stale", before, TTL, 1);
    assert.equal(tier.get("a", "a:2"), undefined);
    tier.set("a", "a:2", "fresh", tier.stamp(), TTL, 1);
    assert.equal(tier.get("a", "a:2"), "fresh");
  });

  await t.step("a load begun before a change or a reset stores nothing", () => {
    const tier = new LocalTier();
    tier.enable();
    const before = tier.stamp();
    tier.changed("a");
    tier.set("a", "a:1", "stale", before, TTL, 1);
    assert.equal(tier.get("a", "a:1"), undefined);
    const beforeReset = tier.stamp();
    tier.disable();
    tier.enable();
    tier.set("b", "b:1", "stale", beforeReset, TTL, 1);
    assert.equal(tier.get("b", "b:1"), undefined);
    const after = tier.stamp();
    tier.set("a", "a:1", "fresh", after, TTL, 1);
    assert.equal(tier.get("a", "a:1"), "fresh");
  });

  await t.step("a namespace whose change was forgotten counts as changed then", () => {
    const tier = new LocalTier({ maxNamespaces: 2 });
    tier.enable();
    const old = tier.stamp();
    tier.changed("x");
    tier.changed("y");
    tier.changed("z"); // forgets x's change
    tier.set("x", "x:1", "stale", old, TTL, 1);
    assert.equal(tier.get("x", "x:1"), undefined);
  });

  await t.step("entries expire with their TTL and respect the byte bound", async () => {
    const tier = new LocalTier({ maxBytes: 100 });
    tier.enable();
    tier.set("a", "short", 1, tier.stamp(), 20, 1);
    tier.set("a", "big", 2, tier.stamp(), TTL, 500);
    assert.equal(tier.get("a", "big"), undefined, "larger than the whole bound");
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(tier.get("a", "short"), undefined);
  });
});

/** A cache whose GETs are counted, to tell a local hit from a cache round trip. */
function countingCache(inner: CacheStore): { cache: CacheStore; gets: { n: number } } {
  const gets = { n: 0 };
  const cache = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (prop === "get") gets.n++;
        return v.apply(target, args);
      };
    },
  });
  return { cache, gets };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

Deno.test("read-through with local copies, two instances on one cache", async (t) => {
  const shared = openMemoryCache();
  const log = createLogger("silent");
  const a = countingCache(shared);
  const rtA = new ReadThroughCache(a.cache, log);
  const rtB = new ReadThroughCache(shared, log);
  const stopA = await startGenerationSync({ cache: a.cache, cached: rtA, log });
  const stopB = await startGenerationSync({ cache: shared, cached: rtB, log });
  let db = 1;
  const load = () => Promise.resolve(db);
  const get = (rt: ReadThroughCache, local = true) =>
    rt.get("ns", "ns:k", TTL, z.number(), load, { local });

  await t.step("a second read is served in process, without a cache round trip", async () => {
    assert.deepEqual(await get(rtA), { value: 1, hit: false });
    const before = a.gets.n;
    assert.deepEqual(await get(rtA), { value: 1, hit: true });
    assert.equal(a.gets.n, before);
  });

  await t.step("reads without the option still go to the cache", async () => {
    const before = a.gets.n;
    assert.deepEqual(await get(rtA, false), { value: 1, hit: true });
    assert.ok(a.gets.n > before);
  });

  await t.step("the invalidating instance reads the new value at once", async () => {
    db = 2;
    await rtA.invalidate("ns");
    assert.deepEqual(await get(rtA), { value: 2, hit: false });
  });

  await t.step("another instance's invalidation reaches this one's copies", async () => {
    assert.equal((await get(rtA)).value, 2);
    db = 3;
    await rtB.invalidate("ns");
    await tick();
    assert.deepEqual(await get(rtA), { value: 3, hit: false });
  });

  await t.step(
    "another instance's change of every namespace reaches this one's copies",
    async () => {
      assert.equal((await get(rtA)).value, 3);
      db = 33;
      await rtB.invalidate(ALL_NAMESPACES);
      await tick();
      assert.deepEqual(await get(rtA), { value: 33, hit: false });
      db = 3;
      await rtB.invalidate("ns");
      await tick();
    },
  );

  await t.step("a load that raced another instance's change keeps nothing", async () => {
    db = 4;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = rtA.get("ns", "ns:race", TTL, z.number(), async () => {
      const stale = db;
      await gate;
      return stale;
    }, { local: true });
    await tick();
    db = 5;
    await rtB.invalidate("ns");
    await tick();
    release();
    assert.equal((await slow).value, 4);
    const again = await rtA.get("ns", "ns:race", TTL, z.number(), load, { local: true });
    assert.deepEqual(again, { value: 5, hit: false });
  });

  await t.step("after the sync stops, every read goes to the cache again", async () => {
    await stopA();
    assert.equal(rtA.local.live, false);
    const before = a.gets.n;
    await get(rtA);
    assert.ok(a.gets.n > before);
  });
  await stopB();
  await shared.close();
});

Deno.test("generation sync: a cut subscription empties and disables the copies", async () => {
  const real = openMemoryCache();
  let events: SubscriptionEvents = {};
  const cache: CacheStore = new Proxy(real, {
    get(target, prop) {
      if (prop === "subscribe") {
        return (channel: string, handler: (m: string) => void, ev?: SubscriptionEvents) => {
          events = ev ?? {};
          return target.subscribe(channel, handler, ev);
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const log = createLogger("silent");
  const rt = new ReadThroughCache(cache, log);
  const stop = await startGenerationSync({ cache, cached: rt, log });
  let db = 1;
  const load = () => Promise.resolve(db);
  await rt.get("ns", "ns:k", TTL, z.number(), load, { local: true });
  assert.equal(rt.local.size, 1);
  events.onInterrupted?.();
  assert.equal(rt.local.live, false);
  assert.equal(rt.local.size, 0);
  // While cut, a change made elsewhere (here: straight in the cache) is not heard, and no copy
  // hides it.
  db = 2;
  await new ReadThroughCache(real, log).invalidateNow("ns");
  assert.equal((await rt.get("ns", "ns:k", TTL, z.number(), load, { local: true })).value, 2);
  events.onResumed?.();
  assert.equal(rt.local.live, true);
  await stop();
  assert.equal(rt.local.live, false);
  await real.close();
});
