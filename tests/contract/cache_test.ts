// Registers the cache contract for the in-process adapter (always) and Redis (REDIS_URL), plus
// the Redis failure modes: a closed port fails fast, and a restarted server is picked up again.
import assert from "node:assert/strict";
import { freePort } from "../support/ports.ts";
import { openMemoryCache } from "../../src/stores/cache/memory.ts";
import { openRedisCache } from "../../src/stores/cache/redis.ts";
import { isStoreError } from "../../src/stores/errors.ts";
import { serverSetting, serverTest } from "../support/profile.ts";
import { cacheContract } from "./cache_contract.ts";

Deno.test("cache contract: memory", async (t) => {
  await cacheContract(t, () => openMemoryCache());
});

Deno.test("cache: memory adapter stays within its bounds, dropping least recently used", async () => {
  const byCount = openMemoryCache({ maxEntries: 3 });
  try {
    for (const k of ["a", "b", "c"]) await byCount.set(k, k);
    assert.equal(await byCount.get("a"), "a"); // touch: b is now the least recently used
    await byCount.set("d", "d");
    assert.equal(await byCount.get("b"), null);
    assert.deepEqual((await byCount.scan("*")).sort(), ["a", "c", "d"]);
    assert.equal((await byCount.info()).keys, 3);
  } finally {
    await byCount.close();
  }

  const byBytes = openMemoryCache({ maxBytes: 10_000 });
  try {
    for (let i = 0; i < 10; i++) await byBytes.set(`k${i}`, "x".repeat(1000));
    const info = await byBytes.info();
    assert.ok(info.memory_bytes <= 10_000, `memory ${info.memory_bytes}`);
    assert.ok(info.keys < 10 && info.keys >= 3, `keys ${info.keys}`);
    assert.equal(await byBytes.get("k9"), "x".repeat(1000));
    assert.equal(await byBytes.get("k0"), null);
    // Larger than the whole cache: refused loudly, not silently dropped.
    await assert.rejects(
      byBytes.set("huge", "y".repeat(6000)),
      (err) => isStoreError(err, "invalid"),
    );
    assert.equal(await byBytes.get("k9"), "x".repeat(1000));
  } finally {
    await byBytes.close();
  }
});

serverTest("cache contract: redis (server)", ["REDIS_URL"], async (t) => {
  await cacheContract(
    t,
    () => openRedisCache({ url: serverSetting("REDIS_URL")!, timeoutMs: 2000 }),
  );
});

serverTest("cache contract: redis with a key prefix", ["REDIS_URL"], async (t) => {
  const keyPrefix = `pfx:${crypto.randomUUID()}:`;
  await cacheContract(
    t,
    () => openRedisCache({ url: serverSetting("REDIS_URL")!, timeoutMs: 2000, keyPrefix }),
  );
});

Deno.test("cache: redis on a closed port fails fast as unavailable, never hangs", async () => {
  const started = performance.now();
  const cache = await openRedisCache({ url: "redis://127.0.0.1:1", timeoutMs: 500 });
  try {
    const calls = performance.now();
    const results = await Promise.allSettled([
      cache.get("k"),
      cache.set("k", "v", 1000),
      cache.incr("k", 1, 1000),
      cache.throttle("k", 5, 1000),
      cache.acquireLock("k", 1000),
      cache.scan("*"),
      cache.delPrefix("k"),
      cache.publish("c", "m"),
      cache.subscribe("c", () => {}),
      cache.info(),
    ]);
    for (const r of results) {
      assert.equal(r.status, "rejected");
      assert.ok(isStoreError(r.reason, "unavailable", "timeout"), String(r.reason));
    }
    assert.ok(performance.now() - calls < 3000, "calls took too long to fail");
    const health = await cache.health();
    assert.equal(health.status, "down");
    assert.equal(health.adapter, "redis");
    assert.match(health.detail ?? "", /unavailable|timed out/);
  } finally {
    await cache.close();
  }
  assert.ok(performance.now() - started < 3000, "open + calls + close took 3 s or more");
});

/** Starts a throwaway redis-server (the binary scripts/services.sh installs) and waits for it. */
async function startRedis(port: number): Promise<Deno.ChildProcess> {
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 100; i++) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  child.kill("SIGKILL");
  await child.status;
  throw new Error(`redis-server did not start on port ${port}`);
}

serverTest("cache: redis comes back by itself after a server restart", ["REDIS_URL"], async () => {
  const port = freePort();
  let server = await startRedis(port);
  const cache = await openRedisCache({ url: `redis://127.0.0.1:${port}`, timeoutMs: 1000 });
  try {
    await cache.set("k", "before");
    assert.equal((await cache.health()).status, "ok");
    const heard: string[] = [];
    const events: string[] = [];
    await cache.subscribe("news", (m) => heard.push(m), {
      onInterrupted: () => events.push("interrupted"),
      onResumed: () => events.push("resumed"),
    });

    server.kill("SIGTERM");
    await server.status;
    const down = performance.now();
    let health = await cache.health();
    while (health.status === "ok" && performance.now() - down < 5000) {
      await new Promise((r) => setTimeout(r, 50));
      health = await cache.health();
    }
    assert.equal(health.status, "down", "health still ok 5 s after the server stopped");
    await assert.rejects(cache.get("k"), (err) => isStoreError(err, "unavailable", "timeout"));

    server = await startRedis(port);
    const back = performance.now();
    while ((await cache.health()).status !== "ok") {
      assert.ok(performance.now() - back < 5000, "not reconnected within 5 s");
      await new Promise((r) => setTimeout(r, 50));
    }
    // The restarted server kept nothing (--save ''); the connection works again.
    assert.equal(await cache.get("k"), null);
    await cache.set("k", "after");
    assert.equal(await cache.get("k"), "after");
    // The subscriber connection reconnects and resubscribes on its own too, and says so once the
    // server has confirmed the subscription: a message published after "resumed" arrives.
    const resumed = performance.now();
    while (!events.includes("resumed")) {
      assert.ok(performance.now() - resumed < 5000, "subscription not restored within 5 s");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(events, ["interrupted", "resumed"]);
    await cache.publish("news", "again");
    const sent = performance.now();
    while (heard.length === 0) {
      assert.ok(performance.now() - sent < 2000, "a message after resumed was lost");
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual(heard, ["again"]);
  } finally {
    await cache.close();
    server.kill("SIGTERM");
    await server.status;
  }
});
