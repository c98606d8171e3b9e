// After migrations, every user's cached grants are dropped (role JSON may have changed), and
// nothing else in the cache is touched: on the in-process cache and on Redis with a key prefix.
import assert from "node:assert/strict";
import { dropAllCachedGrants, permissionsKey } from "../../src/auth/grants/principal.ts";
import { openMemoryCache } from "../../src/stores/cache/memory.ts";
import type { CacheStore } from "../../src/stores/cache/port.ts";
import { openRedisCache } from "../../src/stores/cache/redis.ts";
import { serverSetting, serverTest } from "../support/profile.ts";

async function check(cache: CacheStore): Promise<void> {
  const users = Array.from({ length: 1500 }, () => crypto.randomUUID());
  for (const id of users) await cache.set(permissionsKey(id), "{}", 60_000);
  const others = ["gen:user:x:permissions", "rate_limit:user:y:api", "user:z:profile"];
  for (const k of others) await cache.set(k, "keep", 60_000);
  assert.equal(await dropAllCachedGrants(cache), users.length);
  assert.deepEqual(await cache.scan(permissionsKey("*")), []);
  for (const k of others) assert.equal(await cache.get(k), "keep", k);
}

Deno.test("dropAllCachedGrants: in-process cache", async () => {
  const cache = openMemoryCache();
  try {
    await check(cache);
  } finally {
    await cache.close();
  }
});

serverTest("dropAllCachedGrants: redis with a key prefix", ["REDIS_URL"], async () => {
  const cache = await openRedisCache({
    url: serverSetting("REDIS_URL")!,
    timeoutMs: 2000,
    keyPrefix: `t-${crypto.randomUUID().slice(0, 8)}:`,
  });
  try {
    await check(cache);
  } finally {
    await cache.delPrefix("");
    await cache.close();
  }
});
