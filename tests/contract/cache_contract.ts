// The cache contract: every adapter of the cache port must pass this suite. Keys carry a fresh
// UUID prefix, so runs against a shared Redis never see each other's keys.
import assert from "node:assert/strict";
import type { CacheStore } from "../../src/stores/cache/port.ts";
import { isStoreError } from "../../src/stores/errors.ts";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it is true or `ms` pass; fails with `what` on timeout. */
async function eventually(what: string, check: () => boolean, ms = 2000): Promise<void> {
  const until = performance.now() + ms;
  while (!check()) {
    if (performance.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

const isInvalid = (err: unknown) => isStoreError(err, "invalid");

/** Runs the suite against a store made by `open`; the store is closed at the end. */
export async function cacheContract(
  t: Deno.TestContext,
  open: () => Promise<CacheStore> | CacheStore,
): Promise<void> {
  const cache = await open();
  const p = `contract:${crypto.randomUUID()}:`;
  try {
    await t.step("get and set round trip; a missing key is null", async () => {
      assert.equal(await cache.get(`${p}missing`), null);
      await cache.set(`${p}a`, "one");
      assert.equal(await cache.get(`${p}a`), "one");
      await cache.set(`${p}a`, "two");
      assert.equal(await cache.get(`${p}a`), "two");
      await cache.set(`${p}empty`, "");
      assert.equal(await cache.get(`${p}empty`), "");
    });

    await t.step("unicode keys and values survive unchanged", async () => {
      const key = `${p}ключ:🔑:中文:é`;
      const value = "héllo wörld 🌍 — 日本語\nline two\ttab \u0000 nul";
      await cache.set(key, value);
      assert.equal(await cache.get(key), value);
      assert.deepEqual(await cache.scan(`${p}ключ:*`), [key]);
      assert.equal(await cache.del(key), 1);
    });

    await t.step("a 1 MB value round trips", async () => {
      const big = "0123456789abcdef".repeat(64 * 1024) + "✓";
      await cache.set(`${p}big`, big, 10_000);
      const back = await cache.get(`${p}big`);
      assert.equal(back?.length, big.length);
      assert.equal(back, big);
      assert.equal(await cache.del(`${p}big`), 1);
    });

    await t.step("set with a TTL expires; ttl() tracks it", async () => {
      await cache.set(`${p}short`, "v", 80);
      assert.equal(await cache.get(`${p}short`), "v");
      const left = await cache.ttl(`${p}short`);
      assert.ok(left !== null && left > 0 && left <= 80, `ttl was ${left}`);
      await sleep(150);
      assert.equal(await cache.get(`${p}short`), null);
      assert.equal(await cache.ttl(`${p}short`), null);
    });

    await t.step(
      "ttl(): null when absent, -1 without expiry; set without TTL clears it",
      async () => {
        assert.equal(await cache.ttl(`${p}nope`), null);
        await cache.set(`${p}forever`, "v");
        assert.equal(await cache.ttl(`${p}forever`), -1);
        await cache.set(`${p}later`, "v", 60_000);
        const left = await cache.ttl(`${p}later`);
        assert.ok(left !== null && left > 55_000 && left <= 60_000, `ttl was ${left}`);
        await cache.set(`${p}later`, "w");
        assert.equal(await cache.ttl(`${p}later`), -1);
      },
    );

    await t.step("bad arguments are refused as invalid", async () => {
      await assert.rejects(cache.set(`${p}x`, "v", 0), isInvalid);
      await assert.rejects(cache.set(`${p}x`, "v", -5), isInvalid);
      await assert.rejects(cache.set(`${p}x`, "v", Number.NaN), isInvalid);
      await assert.rejects(cache.scan(`${p}*`, 0), isInvalid);
      await assert.rejects(cache.incr(`${p}x`, 1.5), isInvalid);
      await assert.rejects(cache.incrFloat(`${p}x`, Number.POSITIVE_INFINITY), isInvalid);
      await assert.rejects(cache.throttle(`${p}x`, 0, 1000), isInvalid);
      await assert.rejects(cache.acquireLock(`${p}x`, 0), isInvalid);
      assert.equal(await cache.get(`${p}x`), null);
    });

    await t.step("setIfAbsent stores only once, and again after expiry", async () => {
      assert.equal(await cache.setIfAbsent(`${p}once`, "first", 80), true);
      assert.equal(await cache.setIfAbsent(`${p}once`, "second", 80), false);
      assert.equal(await cache.get(`${p}once`), "first");
      await sleep(150);
      assert.equal(await cache.setIfAbsent(`${p}once`, "third"), true);
      assert.equal(await cache.get(`${p}once`), "third");
      assert.equal(await cache.ttl(`${p}once`), -1);
    });

    await t.step("del counts only keys that existed", async () => {
      await cache.set(`${p}d1`, "1");
      await cache.set(`${p}d2`, "2");
      assert.equal(await cache.del(`${p}d1`, `${p}d2`, `${p}d3`), 2);
      assert.equal(await cache.del(`${p}d1`), 0);
      assert.equal(await cache.del(), 0);
      assert.equal(await cache.get(`${p}d2`), null);
    });

    await t.step("delPrefix removes exactly the keys under the prefix", async () => {
      for (const k of ["dp:a:1", "dp:a:2", "dp:a:sub:3", "dp:ab", "dp:b:1", "dp:A:1"]) {
        await cache.set(`${p}${k}`, k);
      }
      assert.equal(await cache.delPrefix(`${p}dp:a:`), 3);
      assert.equal(await cache.get(`${p}dp:a:1`), null);
      assert.equal(await cache.get(`${p}dp:a:sub:3`), null);
      assert.equal(await cache.get(`${p}dp:ab`), "dp:ab");
      assert.equal(await cache.get(`${p}dp:b:1`), "dp:b:1");
      assert.equal(await cache.get(`${p}dp:A:1`), "dp:A:1");
      assert.equal(await cache.delPrefix(`${p}dp:a:`), 0);
      assert.equal(await cache.delPrefix(`${p}no-such-prefix`), 0);
    });

    await t.step("delPrefix treats glob characters in the prefix literally", async () => {
      // Unescaped, the glob `g[1]*?\` would also match `g1XX:\z` and `g1]?`.
      const literal = `${p}g[1]*?\\`;
      await cache.set(`${literal}x`, "1");
      await cache.set(`${literal}y`, "2");
      await cache.set(`${p}g1XX:\\z`, "3");
      await cache.set(`${p}g1]?\\w`, "4");
      assert.equal(await cache.delPrefix(literal), 2);
      assert.equal(await cache.get(`${literal}x`), null);
      assert.equal(await cache.get(`${p}g1XX:\\z`), "3");
      assert.equal(await cache.get(`${p}g1]?\\w`), "4");
    });

    await t.step("delPrefix handles more keys than one SCAN batch", async () => {
      const keys = Array.from({ length: 1200 }, (_, i) => `${p}many:${i}`);
      await Promise.all(keys.map((k) => cache.set(k, "v", 60_000)));
      assert.equal(await cache.delPrefix(`${p}many:`), 1200);
      assert.deepEqual(await cache.scan(`${p}many:*`), []);
    });

    await t.step("scan matches * and ?, honours the limit, and skips expired keys", async () => {
      for (const k of ["sc:user:1", "sc:user:2", "sc:user:10", "sc:team:1", "sc:x", "sc:[x]"]) {
        await cache.set(`${p}${k}`, "v");
      }
      await cache.set(`${p}sc:user:9`, "v", 50);
      const sorted = async (pattern: string, limit?: number) =>
        (await cache.scan(pattern, limit)).sort();
      await sleep(120);
      assert.deepEqual(await sorted(`${p}sc:user:*`), [
        `${p}sc:user:1`,
        `${p}sc:user:10`,
        `${p}sc:user:2`,
      ]);
      assert.deepEqual(await sorted(`${p}sc:user:?`), [`${p}sc:user:1`, `${p}sc:user:2`]);
      assert.deepEqual(await sorted(`${p}sc:*:1`), [`${p}sc:team:1`, `${p}sc:user:1`]);
      // Brackets are literal: `[x]` is not a character class.
      assert.deepEqual(await sorted(`${p}sc:[x]`), [`${p}sc:[x]`]);
      assert.deepEqual(await cache.scan(`${p}nothing*`), []);
      const limited = await cache.scan(`${p}sc:*`, 2);
      assert.equal(limited.length, 2);
      for (const k of limited) assert.ok(k.startsWith(`${p}sc:`), k);
      assert.equal((await cache.scan(`${p}sc:*`)).length, 6);
    });

    await t.step("incr counts, creates with expiry, and never resets the expiry", async () => {
      assert.equal(await cache.incr(`${p}n`), 1);
      assert.equal(await cache.incr(`${p}n`, 5), 6);
      assert.equal(await cache.incr(`${p}n`, -10), -4);
      assert.equal(await cache.get(`${p}n`), "-4");
      assert.equal(await cache.ttl(`${p}n`), -1);

      assert.equal(await cache.incr(`${p}win`, 1, 200), 1);
      const first = await cache.ttl(`${p}win`);
      assert.ok(first !== null && first > 0 && first <= 200, `ttl was ${first}`);
      await sleep(60);
      assert.equal(await cache.incr(`${p}win`, 1, 5000), 2);
      const second = await cache.ttl(`${p}win`);
      assert.ok(second !== null && second > 0 && second <= 150, `ttl was reset to ${second}`);
      await sleep(250);
      assert.equal(await cache.get(`${p}win`), null);
      assert.equal(await cache.incr(`${p}win`, 3, 5000), 3);
      assert.ok(((await cache.ttl(`${p}win`)) ?? 0) > 4000);
    });

    await t.step("incr on an existing key holding 0 keeps it without expiry", async () => {
      await cache.set(`${p}zero`, "0");
      assert.equal(await cache.incr(`${p}zero`, 1, 1000), 1);
      assert.equal(await cache.ttl(`${p}zero`), -1);
    });

    await t.step("incr and incrFloat refuse a value that is not a number", async () => {
      await cache.set(`${p}text`, "hello");
      await assert.rejects(cache.incr(`${p}text`), isInvalid);
      await assert.rejects(cache.incrFloat(`${p}text`, 1.5), isInvalid);
      await cache.set(`${p}dec`, "1.5");
      await assert.rejects(cache.incr(`${p}dec`), isInvalid);
      assert.equal(await cache.get(`${p}text`), "hello");
    });

    await t.step(
      "incrFloat adds decimals precisely enough, with the same expiry rule",
      async () => {
        const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);
        close(await cache.incrFloat(`${p}spend`, 0.1), 0.1);
        close(await cache.incrFloat(`${p}spend`, 0.2), 0.3);
        close(Number(await cache.get(`${p}spend`)), 0.3);
        close(await cache.incrFloat(`${p}spend`, -1.05), -0.75);
        close(await cache.incrFloat(`${p}spend`, 1e6), 999_999.25);
        assert.equal(await cache.ttl(`${p}spend`), -1);

        await cache.set(`${p}int`, "7");
        close(await cache.incrFloat(`${p}int`, 0.5), 7.5);

        close(await cache.incrFloat(`${p}daily`, 0.25, 200), 0.25);
        await sleep(60);
        close(await cache.incrFloat(`${p}daily`, 0.25, 5000), 0.5);
        const left = await cache.ttl(`${p}daily`);
        assert.ok(left !== null && left > 0 && left <= 150, `ttl was reset to ${left}`);
      },
    );

    await t.step(
      "throttle allows exactly `limit` in a burst, then refuses with Retry-After",
      async () => {
        const key = `${p}rl:burst`;
        const limit = 5;
        const windowMs = 1000;
        const interval = windowMs / limit;
        for (let i = 1; i <= limit; i++) {
          const r = await cache.throttle(key, limit, windowMs);
          assert.equal(r.allowed, true, `request ${i}`);
          assert.equal(r.limit, limit);
          assert.equal(r.remaining, limit - i, `remaining after ${i}`);
          assert.equal(r.retryAfterMs, 0);
          // Reset is the time until the quota is full again: i intervals, less time elapsed.
          assert.ok(
            r.resetMs <= i * interval && r.resetMs > i * interval - 100,
            `reset ${r.resetMs}`,
          );
        }
        const refused = await cache.throttle(key, limit, windowMs);
        assert.equal(refused.allowed, false);
        assert.equal(refused.remaining, 0);
        assert.ok(
          refused.retryAfterMs > 0 && refused.retryAfterMs <= interval,
          `${refused.retryAfterMs}`,
        );
        assert.ok(
          refused.resetMs > windowMs - 100 && refused.resetMs <= windowMs,
          `${refused.resetMs}`,
        );
        // A refused request costs nothing: the next refusal comes no later.
        const again = await cache.throttle(key, limit, windowMs);
        assert.equal(again.allowed, false);
        assert.ok(again.retryAfterMs <= refused.retryAfterMs);
      },
    );

    await t.step(
      "throttle recovers: one request after Retry-After, a full burst after the window",
      async () => {
        const key = `${p}rl:recover`;
        const limit = 3;
        const windowMs = 300;
        for (let i = 0; i < limit; i++) {
          assert.ok((await cache.throttle(key, limit, windowMs)).allowed);
        }
        const refused = await cache.throttle(key, limit, windowMs);
        assert.equal(refused.allowed, false);
        await sleep(refused.retryAfterMs + 15);
        const one = await cache.throttle(key, limit, windowMs);
        assert.equal(one.allowed, true);
        assert.equal(one.remaining, 0);
        assert.equal((await cache.throttle(key, limit, windowMs)).allowed, false);
        await sleep(windowMs + 30);
        const results = [];
        for (let i = 0; i < limit + 1; i++) {
          results.push(await cache.throttle(key, limit, windowMs));
        }
        assert.deepEqual(results.map((r) => r.allowed), [true, true, true, false]);
      },
    );

    await t.step("throttle grants several at once, as many as fit, then refuses", async () => {
      const key = `${p}rl:want`;
      const limit = 10;
      const first = await cache.throttle(key, limit, 60_000, { want: 4 });
      assert.equal(first.allowed, true);
      assert.equal(first.granted, 4);
      assert.equal(first.remaining, 6);
      const second = await cache.throttle(key, limit, 60_000, { want: 8 });
      assert.equal(second.granted, 6, "only what is left is granted");
      assert.equal(second.remaining, 0);
      const third = await cache.throttle(key, limit, 60_000, { want: 3 });
      assert.equal(third.allowed, false);
      assert.equal(third.granted, 0);
      assert.ok(third.retryAfterMs > 0 && third.retryAfterMs <= 6_000, `${third.retryAfterMs}`);
      // One at a time counts the same tokens.
      const single = await cache.throttle(`${p}rl:want1`, limit, 60_000);
      assert.equal(single.granted, 1);
      assert.equal(single.remaining, 9);
      // Requests granted and never made are given back before the next grant.
      const refunded = await cache.throttle(key, limit, 60_000, { want: 3, refund: 5 });
      assert.equal(refunded.granted, 3);
      assert.equal(refunded.remaining, 2);
      await assert.rejects(cache.throttle(`${p}rl:want0`, limit, 60_000, { want: 0 }), isInvalid);
    });

    await t.step("throttle is atomic under concurrent calls; keys are independent", async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () => cache.throttle(`${p}rl:race`, 4, 60_000)),
      );
      assert.equal(results.filter((r) => r.allowed).length, 4);
      const remaining = results.filter((r) => r.allowed).map((r) => r.remaining).sort();
      assert.deepEqual(remaining, [0, 1, 2, 3]);
      assert.equal((await cache.throttle(`${p}rl:other`, 4, 60_000)).allowed, true);
    });

    await t.step("concurrent lock attempts: exactly one wins", async () => {
      const tokens = await Promise.all(
        Array.from({ length: 10 }, () => cache.acquireLock(`${p}lock:race`, 5000)),
      );
      const won = tokens.filter((tok): tok is string => tok !== null);
      assert.equal(won.length, 1);
      assert.ok(won[0].length >= 16);
      assert.ok(await cache.releaseLock(`${p}lock:race`, won[0]));
    });

    await t.step("releaseLock frees only the holder's lock", async () => {
      const key = `${p}lock:owner`;
      const token = await cache.acquireLock(key, 5000);
      assert.ok(token);
      assert.equal(await cache.acquireLock(key, 5000), null);
      assert.equal(await cache.releaseLock(key, "not-the-token"), false);
      assert.equal(await cache.acquireLock(key, 5000), null, "a wrong token freed the lock");
      assert.equal(await cache.releaseLock(key, token), true);
      assert.equal(await cache.releaseLock(key, token), false);
      const next = await cache.acquireLock(key, 5000);
      assert.ok(next && next !== token);
      assert.equal(await cache.releaseLock(`${p}lock:never`, "x"), false);
    });

    await t.step("an expired lock can be taken again and the old token frees nothing", async () => {
      const key = `${p}lock:expiry`;
      const old = await cache.acquireLock(key, 80);
      assert.ok(old);
      const left = await cache.ttl(key);
      assert.ok(left !== null && left > 0 && left <= 80);
      await sleep(150);
      const fresh = await cache.acquireLock(key, 5000);
      assert.ok(fresh && fresh !== old);
      assert.equal(await cache.releaseLock(key, old), false);
      assert.equal(await cache.acquireLock(key, 5000), null);
    });

    await t.step("publish delivers to every subscriber of the channel, in order", async () => {
      const a: string[] = [];
      const b: string[] = [];
      const other: string[] = [];
      const offA = await cache.subscribe(`${p}ch`, (m) => a.push(m));
      const offB = await cache.subscribe(`${p}ch`, (m) => b.push(m));
      const offOther = await cache.subscribe(`${p}ch:other`, (m) => other.push(m));
      const sent = cache.publish(`${p}ch`, "héllo 🌍");
      // Delivery is asynchronous, as with Redis: never inside publish's own call.
      assert.deepEqual(a, []);
      await sent;
      await cache.publish(`${p}ch`, "second");
      await cache.publish(`${p}ch`, "third");
      await eventually("three messages to both", () => a.length === 3 && b.length === 3);
      assert.deepEqual(a, ["héllo 🌍", "second", "third"]);
      assert.deepEqual(b, a);

      await offA();
      await cache.publish(`${p}ch`, "after");
      await eventually("delivery to the remaining subscriber", () => b.length === 4);
      await sleep(50);
      assert.equal(a.length, 3, "an unsubscribed handler still received");
      assert.deepEqual(other, []);
      await offB();
      await offOther();
      await cache.publish(`${p}ch`, "nobody");
      await sleep(50);
      assert.equal(b.length, 4);
      await cache.publish(`${p}ch:none`, "no subscribers is fine");
    });

    await t.step("a handler that throws does not stop delivery to the others", async () => {
      const got: string[] = [];
      const orig = console.error;
      console.error = () => {};
      try {
        const off1 = await cache.subscribe(`${p}ch:throw`, () => {
          throw new Error("boom");
        });
        const off2 = await cache.subscribe(`${p}ch:throw`, (m) => got.push(m));
        await cache.publish(`${p}ch:throw`, "x");
        await eventually("delivery past a failing handler", () => got.length === 1);
        await off1();
        await off2();
      } finally {
        console.error = orig;
      }
    });

    await t.step("info counts keys and memory", async () => {
      for (let i = 0; i < 5; i++) await cache.set(`${p}info:${i}`, `v${i}`);
      const before = await cache.info();
      assert.ok(before.keys >= 5, `keys ${before.keys}`);
      assert.ok(before.memory_bytes > 0);
      await cache.set(`${p}info:big`, "z".repeat(1024 * 1024));
      const after = await cache.info();
      assert.ok(after.keys >= 6, `keys ${after.keys}`);
      assert.ok(
        after.memory_bytes - before.memory_bytes > 500_000,
        `memory ${before.memory_bytes} -> ${after.memory_bytes}`,
      );
      await cache.del(`${p}info:big`);
    });

    await t.step("health reports ok with the adapter name", async () => {
      const h = await cache.health();
      assert.equal(h.status, "ok");
      assert.equal(h.adapter, cache.adapter);
      assert.ok(h.latency_ms >= 0);
    });

    await t.step("a closed store refuses calls as unavailable", async () => {
      const other = await open();
      await other.set(`${p}closing`, "v");
      await other.close();
      await assert.rejects(other.get(`${p}closing`), (err) => isStoreError(err, "unavailable"));
      assert.equal((await other.health()).status, "down");
    });
  } finally {
    await cache.delPrefix(p).catch(() => {});
    await cache.close();
  }
}
