import assert from "node:assert/strict";
import { apiTest } from "../support/api.ts";
import { directClient } from "../../tui/direct_client.ts";
import { createLogger } from "../../src/log.ts";

// The TUI's default client over real stores on both profiles: what the screens receive from the
// ops services (cache paging and redaction, counted pattern deletes, partitions, health).
apiTest("tui direct client over the ops services", async (t, api) => {
  const client = directClient(
    { stores: api.stores, config: api.app.deps.config, log: createLogger("silent"), now: Date.now },
    { target: "test", consistency: null, close: () => Promise.resolve() },
  );
  const ns = `tuitest:${crypto.randomUUID().slice(0, 8)}`;

  await t.step("health names every store with its adapter", async () => {
    const health = await client.storeHealth();
    assert.deepEqual(health.map((h) => h.role).sort(), [
      "cache",
      "documents",
      "graph",
      "objects",
      "relational",
    ]);
    assert.ok(health.every((h) => h.status === "ok" && h.adapter.length > 0));
  });

  await t.step("cache keys page by cursor; secrets stay redacted", async () => {
    for (let i = 0; i < 5; i++) {
      await api.stores.cache.set(`${ns}:k${i}`, JSON.stringify({ i, password: "p@ss" }), 60_000);
    }
    await api.stores.cache.set(`${ns}:session:abc`, "SESSION-VALUE", 60_000);
    const first = await client.scanCacheKeys({ pattern: `${ns}:*`, cursor: null, count: 4 });
    assert.equal(first.items.length, 4);
    assert.ok(first.next_cursor);
    const second = await client.scanCacheKeys({
      pattern: `${ns}:*`,
      cursor: first.next_cursor,
      count: 4,
    });
    assert.equal(second.items.length, 2);
    assert.equal(second.next_cursor, null);
    assert.ok(first.items[0].ttl_ms! > 0 && first.items[0].size_bytes! > 0);
    const plain = await client.getCacheKey(`${ns}:k0`);
    assert.ok(plain && plain.value.includes('"i": 0') && !plain.value.includes("p@ss"));
    const secret = await client.getCacheKey(`${ns}:session:abc`);
    assert.ok(secret && secret.redacted && !secret.value.includes("SESSION-VALUE"));
  });

  await t.step("pattern delete: counted first, then deleted", async () => {
    assert.equal(await client.countCacheKeys(`${ns}:k*`), 5);
    assert.equal(await client.deleteCacheKey(`${ns}:k0`), 1);
    assert.equal(await client.deleteCacheKeys(`${ns}:*`), 5);
    assert.equal(await client.countCacheKeys(`${ns}:*`), 0);
  });

  await t.step("partitions are listed with ranges and default partitions", async () => {
    await client.ensurePartitions(2);
    const parts = await client.listPartitions();
    assert.ok(parts.some((p) => p.table === "agent_logs" && !p.is_default && p.from !== null));
    assert.ok(parts.some((p) => p.is_default));
    const plan = await client.archivePartitions({ dryRun: true });
    assert.equal(plan.dry_run, true);
  });
});
