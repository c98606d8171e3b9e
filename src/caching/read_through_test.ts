import assert from "node:assert/strict";
import { z } from "zod";
import { createLogger } from "../log.ts";
import { openMemoryCache } from "../stores/cache/memory.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import { StoreError } from "../stores/errors.ts";
import { ALL_NAMESPACES, generationKey, ReadThroughCache } from "./read_through.ts";

/** A memory cache that can be switched off, as Redis going away. */
function switchableCache(): { cache: CacheStore; down: { value: boolean } } {
  const inner = openMemoryCache();
  const down = { value: false };
  const cache = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (down.value) return Promise.reject(new StoreError("unavailable", "cache", "down"));
        return v.apply(target, args);
      };
    },
  });
  return { cache, down };
}

const Num = z.number();

Deno.test("ReadThroughCache", async (t) => {
  const { cache, down } = switchableCache();
  const rt = new ReadThroughCache(cache, createLogger("silent"));
  let db = 1;
  let loads = 0;
  const load = () => {
    loads++;
    return Promise.resolve(db);
  };

  await t.step("miss loads and stores, then hits", async () => {
    assert.deepEqual(await rt.get("ns", "ns:k", 60_000, Num, load), { value: 1, hit: false });
    assert.deepEqual(await rt.get("ns", "ns:k", 60_000, Num, load), { value: 1, hit: true });
    assert.equal(loads, 1);
  });

  await t.step("invalidate makes every entry of the namespace stale", async () => {
    db = 2;
    await rt.invalidate("ns");
    assert.deepEqual(await rt.get("ns", "ns:k", 60_000, Num, load), { value: 2, hit: false });
  });

  await t.step("a fill that raced an invalidation is never served", async () => {
    db = 3;
    // The read starts (generation read) before the change commits and finishes after it.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = rt.get("ns", "ns:race", 60_000, Num, async () => {
      const stale = db;
      await gate;
      return stale;
    });
    await new Promise((r) => setTimeout(r, 5));
    db = 4;
    await rt.invalidate("ns");
    release();
    assert.equal((await slow).value, 3);
    assert.deepEqual(await rt.get("ns", "ns:race", 60_000, Num, load), { value: 4, hit: false });
  });

  await t.step(
    "an invalidation during an outage is owed: no stale hit after recovery",
    async () => {
      await rt.get("ns", "ns:k", 60_000, Num, load); // cached: 4
      down.value = true;
      db = 5;
      await rt.invalidate("ns"); // fails: owed
      assert.deepEqual(rt.pending(), ["ns"]);
      assert.equal((await rt.get("ns", "ns:k", 60_000, Num, load)).value, 5);
      down.value = false;
      const after = await rt.get("ns", "ns:k", 60_000, Num, load);
      assert.deepEqual(after, { value: 5, hit: false });
      assert.deepEqual(rt.pending(), []);
      assert.notEqual(await cache.get(generationKey("ns")), null);
    },
  );

  await t.step(
    "invalidating every namespace makes every entry stale, owed in an outage",
    async () => {
      await rt.get("ns", "ns:k", 60_000, Num, load); // cached: 5
      await rt.get("other", "other:k", 60_000, Num, load);
      db = 50;
      await rt.invalidate(ALL_NAMESPACES);
      assert.deepEqual(await rt.get("ns", "ns:k", 60_000, Num, load), { value: 50, hit: false });
      assert.deepEqual(await rt.get("other", "other:k", 60_000, Num, load), {
        value: 50,
        hit: false,
      });
      assert.equal((await rt.get("other", "other:k", 60_000, Num, load)).hit, true);
      down.value = true;
      db = 51;
      await rt.invalidate(ALL_NAMESPACES); // fails: owed, and no namespace is served from the cache
      assert.deepEqual(rt.pending(), [ALL_NAMESPACES]);
      down.value = false;
      assert.deepEqual(await rt.get("other", "other:k", 60_000, Num, load), {
        value: 51,
        hit: false,
      });
      assert.deepEqual(rt.pending(), []);
      db = 5;
      await rt.invalidate("ns");
    },
  );

  await t.step("a value of the wrong shape is a miss", async () => {
    await cache.set("ns:k", JSON.stringify({ g: await cache.get(generationKey("ns")), v: "x" }));
    assert.deepEqual(await rt.get("ns", "ns:k", 60_000, Num, load), { value: 5, hit: false });
  });

  await t.step("dropping by prefix never drops the generation", async () => {
    await rt.get("pre", "pre:a", 60_000, Num, load);
    await rt.invalidate("pre", { prefix: "pre" });
    assert.equal(await cache.get("pre:a"), null);
    assert.notEqual(await cache.get(generationKey("pre")), null);
  });
  await t.step("an evicted generation cannot revive entries tagged before it", async () => {
    db = 6;
    await rt.get("ev", "ev:k", 60_000, Num, load); // cached under a fresh generation
    await cache.del(generationKey("ev")); // eviction
    db = 7;
    assert.deepEqual(await rt.get("ev", "ev:k", 60_000, Num, load), { value: 7, hit: false });
  });
  await cache.close();
});

Deno.test("ReadThroughCache: a burst of invalidations shares bumps, none ends before its own", async () => {
  const inner = openMemoryCache();
  // Generation writes wait until released, as a slow cache round trip would.
  const bumps: { started: number; release: () => void }[] = [];
  let clock = 0;
  const cache = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (prop !== "set") return typeof v === "function" ? v.bind(target) : v;
      return async (key: string, value: string, ttl?: number) => {
        if (key === generationKey("burst")) {
          await new Promise<void>((release) => bumps.push({ started: ++clock, release }));
        }
        return await inner.set(key, value, ttl);
      };
    },
  });
  const rt = new ReadThroughCache(cache, createLogger("silent"));
  const settled: { asked: number }[] = [];
  const invalidate = (asked: number) => rt.invalidate("burst").then(() => settled.push({ asked }));
  const tick = () => new Promise((r) => setTimeout(r, 1));

  const first = invalidate(++clock);
  await tick();
  assert.equal(bumps.length, 1, "the first invalidation bumps at once");
  // Four more while the first is in flight: they share one bump, started once it ends.
  const more = [1, 2, 3, 4].map(() => invalidate(++clock));
  await tick();
  assert.equal(bumps.length, 1, "no second bump while the first is in flight");
  bumps[0].release();
  await first;
  await tick();
  assert.equal(bumps.length, 2, "one bump for the four that waited");
  assert.ok(bumps[1].started > clock - 4, "it started after they asked");
  assert.deepEqual(settled.map((s) => s.asked), [1], "the four wait for their own bump");
  bumps[1].release();
  await Promise.all(more);
  assert.equal(settled.length, 5);
  // Once quiet, the next invalidation bumps on its own again.
  const last = invalidate(++clock);
  await tick();
  assert.equal(bumps.length, 3);
  bumps[2].release();
  await last;
  await inner.close();
});
