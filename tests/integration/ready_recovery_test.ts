// /ready follows a real server going away and coming back, with no restart of the API: a private
// Redis on its own port is stopped and started under a running app.
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { loadMigrations } from "../../src/migrate/files.ts";
import { migrateUp } from "../../src/migrate/runner.ts";
import { openStores } from "../../src/stores/mod.ts";
import { serverTest } from "../support/profile.ts";
import { TEST_JWT_SECRET } from "../support/api.ts";

const PORT = 56391;

function startRedis(): Deno.ChildProcess {
  return new Deno.Command("redis-server", {
    args: ["--port", String(PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

// REDIS_URL gates it: where the servers are installed, redis-server is on the PATH.
serverTest(
  "/ready turns 503 when a store dies and 200 when it returns",
  ["REDIS_URL"],
  async () => {
    let redis = startRedis();
    const dataDir = await Deno.makeTempDir();
    const config = loadConfig({
      DATABASE_URL: "memory://",
      REDIS_URL: `redis://127.0.0.1:${PORT}`,
      JWT_SECRET: TEST_JWT_SECRET,
      DATA_DIR: dataDir,
      STORE_TIMEOUT_MS: "1000",
    });
    const log = createLogger("silent");
    const stores = await openStores(config, log, { signingKey: TEST_JWT_SECRET });
    try {
      await migrateUp(stores.relational, await loadMigrations());
      const app = createApp(stores, config, { logger: log });
      const ready = async () => {
        const res = await app.request("/ready");
        const body = await res.json();
        return { status: res.status, cache: body.stores.cache.status as string, body };
      };

      const up = await ready();
      assert.equal(up.status, 200);
      assert.deepEqual(Object.keys(up.body.stores).sort(), [
        "cache",
        "documents",
        "graph",
        "objects",
        "relational",
      ]);
      for (const s of Object.values(up.body.stores) as { latency_ms: number }[]) {
        assert.equal(typeof s.latency_ms, "number");
      }

      redis.kill("SIGTERM");
      await redis.status;
      const downAfter = await waitFor(async () => (await ready()).status === 503, 5000);
      const down = await ready();
      assert.equal(down.cache, "down");
      assert.equal(down.body.stores.relational.status, "ok");
      assert.ok(downAfter < 5000);

      redis = startRedis();
      await waitFor(async () => (await ready()).status === 200, 10000);
      assert.equal((await ready()).cache, "ok");
    } finally {
      redis.kill("SIGTERM");
      await redis.status;
      await stores.close();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
);
