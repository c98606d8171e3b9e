import assert from "node:assert/strict";
import { SERVER_VARS } from "../support/api.ts";
import { freePort } from "../support/ports.ts";
import { createPrivateServer } from "../support/private_servers.ts";
import { serverEnv, serverTest } from "../support/profile.ts";
import { startTuiPane } from "./tmux.ts";

// The real `deno task tui` in a pseudo-terminal on the server profile: the shared servers, with
// the cache role on a private Redis this test stops while the TUI watches.
serverTest(
  "tui in a pty on the server profile: every screen, a backup, a store stopped while watching",
  SERVER_VARS,
  async () => {
    const redis = await createPrivateServer("redis", freePort());
    const dataDir = await Deno.makeTempDir({ prefix: "polystore-tui-" });
    await redis.start();
    const env: Record<string, string> = { DATA_DIR: dataDir, STORE_TIMEOUT_MS: "1000" };
    for (const [k, v] of Object.entries(serverEnv())) {
      if (/^(DATABASE_URL|MONGODB_|NEO4J_|REDIS_URL|S3_|JWT_SECRET)/.test(k)) env[k] = v;
    }
    Object.assign(env, redis.env);
    const pane = await startTuiPane(env, ["--refresh", "1000"]);
    try {
      let s = await pane.waitFor("all stores answer", 120_000);
      assert.match(s, /relational\s+up\s+pg\b/);
      assert.match(s, /cache\s+up\s+redis/);
      assert.match(s, /servers 5\/5/);
      await pane.keys("2");
      await pane.waitFor(/\d+ keys · /);
      await pane.keys("3");
      await pane.waitFor(/partition\(s\) · rows waiting in default partitions/);
      await pane.keys("5");
      s = await pane.waitFor(/drift\s+\d+/, 60_000);
      assert.match(s, /outbox backlog\s+\d+\s+oldest /);
      await pane.keys("4");
      await pane.waitFor("verify");
      // The shared servers allow one backup run at a time across every test using them: when
      // another holds it, the TUI says so (409's reason) and we try again.
      for (let attempt = 0;; attempt++) {
        await pane.keys("s");
        s = await pane.waitFor(/backup \S+ (finished|failed)|already running/, 180_000);
        if (!s.includes("already running") || attempt === 20) break;
        await new Promise((r) => setTimeout(r, 3000));
      }
      assert.match(s, /backup \S+ finished/, `the backup succeeds:\n${s}`);
      assert.match(s, /graph\s+█+ \d+\/\d+ done/);

      // Stop the cache's server: Health shows it down at the next refresh, the TUI goes on.
      await pane.keys("1");
      await pane.waitFor("all stores answer");
      await redis.stop();
      s = await pane.waitFor(/cache\s+DOWN\s+redis/, 15_000);
      assert.match(s, /1 store\(s\) down/);
      await pane.keys("Tab");
      await pane.waitFor("pattern *");
      await pane.keys("1");
      await pane.waitFor(/cache\s+DOWN/);
      await redis.start();
      await pane.waitFor("all stores answer", 30_000);
      await pane.keys("q");
      await pane.waitFor("TUI-EXITED-0", 20_000);
    } finally {
      await pane.close();
      await redis.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
);
