// Rate leases: batches grow while spent in time, lapse and are refunded, stay small near the end
// of a quota, and never spend a request the shared limiter did not grant.
import assert from "node:assert/strict";
import { openMemoryCache } from "../stores/cache/memory.ts";
import { LEASE_MS, maxBatch, RateLeases } from "./rate_leases.ts";

/** Makes one request the way the middleware does; true when allowed. */
async function request(
  leases: RateLeases,
  cache: ReturnType<typeof openMemoryCache>,
  key: string,
  limit: number,
  windowMs = 60_000,
): Promise<boolean> {
  if (leases.spend(key)) return true;
  const r = await cache.throttle(key, limit, windowMs, leases.take(key, limit));
  leases.keep(key, r);
  return r.allowed;
}

Deno.test("rate leases", async (t) => {
  await t.step("small limits are counted one by one", () => {
    assert.equal(maxBatch(10), 1);
    assert.equal(maxBatch(600), 9);
    assert.equal(maxBatch(1_000_000), 64);
  });

  await t.step("never more requests than the limit, however they are batched", async () => {
    const cache = openMemoryCache();
    const leases = new RateLeases();
    let allowed = 0;
    for (let i = 0; i < 3_000; i++) if (await request(leases, cache, "k", 2_000)) allowed++;
    assert.ok(allowed <= 2_000 && allowed >= 1_990, `${allowed} allowed`);
    await cache.close();
  });

  await t.step("a busy key costs one shared call per batch", async () => {
    const cache = openMemoryCache();
    let calls = 0;
    const counted = {
      throttle: (...args: Parameters<typeof cache.throttle>) => {
        calls++;
        return cache.throttle(...args);
      },
    };
    const leases = new RateLeases();
    for (let i = 0; i < 1_000; i++) {
      if (leases.spend("k")) continue;
      const r = await counted.throttle("k", 1_000_000, 60_000, leases.take("k", 1_000_000));
      leases.keep("k", r);
    }
    assert.ok(calls < 40, `${calls} shared calls for 1,000 requests`);
    await cache.close();
  });

  await t.step("what a lapsed batch held is refunded to the shared limiter", async () => {
    const cache = openMemoryCache();
    let now = 0;
    const leases = new RateLeases(() => now);
    // Grow the batch, then stop spending it.
    for (let i = 0; i < 20; i++) await request(leases, cache, "k", 6_400);
    const before = await cache.throttle("probe", 1, 60_000); // unrelated key: the clock is real
    assert.ok(before.allowed);
    now += LEASE_MS;
    const take = leases.take("k", 6_400);
    assert.ok((take.refund ?? 0) > 0, "the lapsed batch is refunded");
    const r = await cache.throttle("k", 6_400, 60_000, take);
    // 20 requests were made: after the refund and this one, 21 are counted.
    assert.equal(r.remaining + r.granted, 6_400 - 20);
    await cache.close();
  });

  await t.step("a refusal keeps no batch; near the end batches shrink to one", async () => {
    const cache = openMemoryCache();
    const leases = new RateLeases();
    let allowed = 0;
    for (let i = 0; i < 200; i++) if (await request(leases, cache, "k", 128)) allowed++;
    assert.equal(allowed, 128);
    assert.equal(leases.spend("k"), null);
    await cache.close();
  });

  await t.step("what a spent request reports stays within the quota", async () => {
    const cache = openMemoryCache();
    const leases = new RateLeases();
    let last = Infinity;
    for (let i = 0; i < 100; i++) {
      const spent = leases.spend("k");
      const r = spent ??
        leases.keep("k", await cache.throttle("k", 6_400, 60_000, leases.take("k", 6_400)));
      // The quota refills by one every 9.4 ms meanwhile.
      assert.ok(r.remaining < last + 2, `remaining went from ${last} to ${r.remaining}`);
      assert.ok(r.remaining <= 6_400 - (i + 1) + 2, `${r.remaining} after ${i + 1}`);
      last = r.remaining;
    }
    await cache.close();
  });
});
