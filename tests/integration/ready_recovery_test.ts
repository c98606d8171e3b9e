// /ready follows a real server going away and coming back, with no restart of the API: for each
// role, a private server on its own port is stopped and started again under one running app.
import assert from "node:assert/strict";
import { type App, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { loadMigrations } from "../../src/migrate/files.ts";
import { migrateUp } from "../../src/migrate/runner.ts";
import { openStores } from "../../src/stores/mod.ts";
import type { RelationalStore } from "../../src/stores/relational/port.ts";
import { openPglite } from "../../src/stores/relational/pglite.ts";
import { STORE_ROLES } from "../../src/stores/types.ts";
import { TEST_JWT_SECRET } from "../support/api.ts";
import { freePort } from "../support/ports.ts";
import { createPrivateServer, type PrivateServerName } from "../support/private_servers.ts";
import { serverTest } from "../support/profile.ts";

type Role = typeof STORE_ROLES[number];

const DOWN_LIMIT_MS = 5000;
const UP_LIMIT_MS = 30_000;
// The outage lasts a while before the restart, so reconnect backoffs grow as in a real one and
// every /ready during it must still answer 503 promptly.
const HOLD_MS = 2000;

interface Ready {
  status: number;
  retryAfter: string | null;
  body: {
    status: string;
    stores: Record<Role, { status: string; latency_ms: number; adapter: string }>;
  };
}

async function ready(app: App): Promise<Ready> {
  const res = await app.request("/ready");
  return { status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.json() };
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

// One migrated PGlite for the roles other than relational: each would otherwise pay its start-up.
let sharedPglite: Promise<RelationalStore> | undefined;
function embeddedRelational(): Promise<RelationalStore> {
  sharedPglite ??= (async () => {
    const db = await openPglite("memory://");
    await migrateUp(db, await loadMigrations());
    globalThis.addEventListener("unload", () => void db.close());
    return db;
  })();
  return sharedPglite;
}

interface RoleCase {
  role: Role;
  server: PrivateServerName;
  /** The adapter name /ready must report for the role while it runs on the server. */
  adapter: string;
  /** The settings variable that gates the test (set once services.sh has installed the server). */
  gate: string;
  /** Roles whose embedded adapters sit on this one, so they go down with it. */
  dependents?: Role[];
  /** Checks a request that needs the store, once in each phase. */
  probe?: (app: App, phase: "up" | "down" | "back") => Promise<void>;
}

// A login needs the users table: a wrong password is 401 while Postgres runs, and during the
// outage it must fail fast with 503 problem+json and Retry-After, not hang.
async function loginProbe(app: App, phase: "up" | "down" | "back"): Promise<void> {
  const started = performance.now();
  const res = await app.request("/api/v1/auth/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "nobody@example.com", password: "not-the-password-1" }),
  });
  const elapsed = performance.now() - started;
  const body = await res.json();
  if (phase === "down") {
    assert.equal(res.status, 503, JSON.stringify(body));
    assert.match(res.headers.get("content-type") ?? "", /^application\/problem\+json/);
    assert.ok(Number(res.headers.get("retry-after")) > 0, "Retry-After missing");
    assert.equal(body.status, 503);
    assert.ok(elapsed < DOWN_LIMIT_MS, `login took ${Math.round(elapsed)} ms during the outage`);
  } else {
    assert.equal(res.status, 401, JSON.stringify(body));
  }
}

const CASES: RoleCase[] = [
  {
    role: "relational",
    server: "postgres",
    adapter: "pg",
    gate: "DATABASE_URL",
    // The embedded documents and graph adapters are tables in this same database.
    dependents: ["documents", "graph"],
    probe: loginProbe,
  },
  { role: "documents", server: "ferretdb", adapter: "mongodb", gate: "MONGODB_URL" },
  {
    role: "graph",
    server: "neo4j",
    adapter: "neo4j",
    gate: "NEO4J_URL",
  },
  { role: "cache", server: "redis", adapter: "redis", gate: "REDIS_URL" },
  {
    role: "objects",
    server: "minio",
    adapter: "minio",
    gate: "S3_ENDPOINT",
  },
];

for (const c of CASES) {
  serverTest(
    `/ready: ${c.role} (${c.server}) turns 503 when the server stops and 200 when it returns`,
    [c.gate],
    async () => {
      // Free ports, as the other private servers use: a fixed one in the ephemeral range can be
      // held by some client connection's local end when the test starts (seen with 57018).
      const server = await createPrivateServer(c.server, freePort(), freePort());
      const dataDir = await Deno.makeTempDir();
      let close: (() => Promise<void>) | undefined;
      try {
        const startMs = await server.start();
        const config = loadConfig({
          DATABASE_URL: "memory://",
          ...server.env,
          JWT_SECRET: TEST_JWT_SECRET,
          DATA_DIR: dataDir,
        });
        const log = createLogger("silent");
        const stores = await openStores(config, log, {
          signingKey: TEST_JWT_SECRET,
          relational: c.role === "relational" ? undefined : await embeddedRelational(),
        });
        close = () => stores.close();
        if (c.role === "relational") await migrateUp(stores.relational, await loadMigrations());
        const app = createApp(stores, config, { logger: log });

        const up = await ready(app);
        assert.equal(up.status, 200, JSON.stringify(up.body));
        assert.deepEqual(Object.keys(up.body.stores).sort(), [...STORE_ROLES].sort());
        for (const role of STORE_ROLES) {
          assert.equal(up.body.stores[role].status, "ok");
          assert.equal(typeof up.body.stores[role].latency_ms, "number");
        }
        assert.equal(up.body.stores[c.role].adapter, c.adapter);
        await c.probe?.(app, "up");

        const stopMs = await server.stop();
        const downMs = await waitFor(async () => (await ready(app)).status === 503, DOWN_LIMIT_MS);
        const down = await ready(app);
        assert.equal(down.status, 503);
        assert.equal(down.body.status, "degraded");
        assert.ok(Number(down.retryAfter) > 0, "Retry-After missing on 503 /ready");
        const fallen = [c.role, ...c.dependents ?? []];
        for (const role of STORE_ROLES) {
          const want = fallen.includes(role) ? "down" : "ok";
          assert.equal(down.body.stores[role].status, want, `${role} should be ${want}`);
        }
        assert.ok(downMs < DOWN_LIMIT_MS);
        await c.probe?.(app, "down");
        let slowest = 0;
        for (const held = performance.now(); performance.now() - held < HOLD_MS;) {
          const started = performance.now();
          assert.equal((await ready(app)).status, 503);
          slowest = Math.max(slowest, performance.now() - started);
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok(slowest < DOWN_LIMIT_MS, `a /ready took ${Math.round(slowest)} ms in the outage`);

        const restarted = performance.now();
        const restartMs = await server.start();
        await waitFor(async () => (await ready(app)).status === 200, UP_LIMIT_MS);
        const upMs = performance.now() - restarted;
        const back = await ready(app);
        for (const role of STORE_ROLES) assert.equal(back.body.stores[role].status, "ok");
        await c.probe?.(app, "back");

        console.log(
          `  ${c.role}/${c.server}: server start ${ms(startMs)}, stop ${ms(stopMs)}, ` +
            `/ready 503 after ${ms(downMs)} (slowest /ready while down ${ms(slowest)}), restart ${
              ms(restartMs)
            }, /ready 200 after ${ms(upMs)} (from restart; ${
              ms(upMs - restartMs)
            } after the server answered)`,
        );
      } finally {
        await close?.();
        await server.close();
        await Deno.remove(dataDir, { recursive: true });
      }
    },
  );
}

function ms(n: number): string {
  return `${Math.round(n)} ms`;
}
