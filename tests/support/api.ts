// API scenario harness: builds the real app over real stores for a profile (embedded: PGlite in
// memory, JSONB documents, Postgres graph, in-process cache, temp folder; server: the servers of
// .services/env), migrated, and offers request helpers and users with roles.
import { type App, createApp } from "../../src/app.ts";
import { startAccountSync, startGrantsSync } from "../../src/auth/mod.ts";
import { startGenerationSync } from "../../src/caching/generation_sync.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { loadMigrations } from "../../src/migrate/files.ts";
import { migrateUp } from "../../src/migrate/runner.ts";
import { openStores } from "../../src/stores/mod.ts";
import type { Stores } from "../../src/stores/types.ts";
import type { RelationalStore } from "../../src/stores/relational/port.ts";
import { openSupervisedPglite } from "../../src/stores/relational/pglite_supervisor.ts";
import { serverEnv, serverTest } from "./profile.ts";

export type Profile = "embedded" | "server";

export const TEST_JWT_SECRET = "test-secret-0123456789-0123456789-abcdef";
export const SERVER_VARS = [
  "DATABASE_URL",
  "MONGODB_URL",
  "NEO4J_URL",
  "REDIS_URL",
  "S3_ENDPOINT",
] as const;

// One migrated PGlite per test process for the embedded profile, on its own thread as the API runs
// it: starting PGlite costs seconds (WASM compile), and scenarios already use unique data because
// the server profile shares one database. Closed when the process unloads.
let sharedPglite: Promise<RelationalStore> | undefined;
function embeddedRelational(): Promise<RelationalStore> {
  sharedPglite ??= (async () => {
    const db = await openSupervisedPglite("memory://", {
      statementTimeoutMs: 15_000,
      // A statement past the timeout fails what waits on it: say why in the test output.
      warn: (message, fields) => console.error("embedded relational store:", message, fields),
    });
    await migrateUp(db, await loadMigrations());
    globalThis.addEventListener("unload", () => void db.close());
    return db;
  })();
  return sharedPglite;
}

export interface RequestOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
}

export interface TestApi {
  profile: Profile;
  app: App;
  stores: Stores;
  /** JSON request; `body` is JSON-encoded unless it is a string or FormData. */
  request(method: string, path: string, options?: RequestOptions): Promise<Response>;
  /** Log lines the app wrote, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** Opens a migrated app for `profile`; `env` overrides settings (e.g. rate limits). */
export async function openTestApi(
  profile: Profile,
  env: Record<string, string> = {},
): Promise<TestApi> {
  const dataDir = await Deno.makeTempDir({ prefix: "polystore-test-" });
  const base: Record<string, string> = profile === "embedded"
    ? { DATABASE_URL: "memory://" }
    : Object.fromEntries(
      Object.entries(serverEnv()).filter(([k]) =>
        /^(DATABASE_URL|MONGODB_|NEO4J_|REDIS_URL|S3_)/.test(k)
      ),
    );
  const config = loadConfig({
    ...base,
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: "info",
    RATE_LIMIT_ANON_PER_MIN: "100000",
    RATE_LIMIT_USER_PER_MIN: "100000",
    RATE_LIMIT_AUTH_PER_MIN: "100000",
    ...env,
  });
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger("debug", (line) => logs.push(JSON.parse(line)));
  const stores = await openStores(config, logger, {
    signingKey: TEST_JWT_SECRET,
    relational: profile === "embedded" ? await embeddedRelational() : undefined,
  });
  await migrateUp(stores.relational, await loadMigrations());
  const app = createApp(stores, config, { logger });
  // As main.ts does: grant changes are subscribed to and the outbox drained (faster, for tests).
  const stopGrantsSync = await startGrantsSync(app.deps, { drainEveryMs: 200, retryEveryMs: 200 });
  const stopAccountSync = await startAccountSync(
    { db: stores.relational, memo: app.deps.accounts, log: logger },
    { retryEveryMs: 200 },
  );
  const stopGenerationSync = await startGenerationSync(
    { cache: stores.cache, cached: app.deps.cached, log: logger },
    { retryEveryMs: 200 },
  );
  return {
    profile,
    app,
    stores,
    logs,
    request(method, path, options = {}) {
      const headers = new Headers(options.headers);
      if (options.token) headers.set("Authorization", `Bearer ${options.token}`);
      let body: BodyInit | undefined;
      if (options.body instanceof FormData || typeof options.body === "string") {
        body = options.body as BodyInit;
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        if (!headers.has("Content-Type")) headers.set("Content-Type", "application/json");
      }
      return Promise.resolve(app.request(path, { method, headers, body }));
    },
    async close() {
      await stopGrantsSync();
      await stopAccountSync();
      await stopGenerationSync();
      await stores.close();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Registers `fn` once per profile: embedded always, server when every server variable is set
 * (skipped with the reason otherwise, failing under CI).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { apiTest, createUser } from "../support/api.ts";
 * apiTest("my profile answers", async (t, api) => {
 *   const user = await createUser(api, { roles: [] });
 *   await t.step("GET /auth/me", async () => {
 *     const res = await api.request("GET", "/api/v1/auth/me", { token: user.token });
 *     assert.equal(res.status, 200);
 *   });
 * });
 * ```
 */
export function apiTest(
  name: string,
  fn: (t: Deno.TestContext, api: TestApi) => Promise<void>,
  env: Record<string, string> = {},
): void {
  const run = (profile: Profile) => async (t: Deno.TestContext) => {
    const api = await openTestApi(profile, env);
    try {
      await fn(t, api);
    } finally {
      await api.close();
    }
  };
  Deno.test({
    name: `${name} [embedded]`,
    fn: run("embedded"),
    sanitizeOps: false,
    sanitizeResources: false,
  });
  serverTest(`${name} [server]`, SERVER_VARS, run("server"));
}

export interface TestUser {
  id: string;
  email: string;
  token: string;
}

/**
 * Creates a user straight in the database with the given roles and linked companies, and signs
 * an access token for it (the login flow has its own tests).
 */
export async function createUser(
  api: TestApi,
  options: { roles?: string[]; companyIds?: string[]; email?: string } = {},
): Promise<TestUser> {
  const email = options.email ?? `u-${crypto.randomUUID()}@example.test`;
  const db = api.stores.relational;
  const r = await db.query<{ id: string }>(
    `insert into users (email, password_hash, full_name) values ($1, '!', $2) returning id`,
    [email, `Test ${email.slice(0, 10)}`],
  );
  const id = r.rows[0].id;
  for (const role of options.roles ?? []) {
    await db.query(
      `insert into user_roles (user_id, role_id) select $1, id from roles where name = $2::role_name`,
      [id, role],
    );
  }
  for (const companyId of options.companyIds ?? []) {
    await db.query(`insert into company_users (user_id, company_id) values ($1, $2)`, [
      id,
      companyId,
    ]);
  }
  const { token } = await api.app.deps.tokens.signAccess(id);
  return { id, email, token };
}

/** Reads a JSON body, failing with the status and text when it is not JSON. */
export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 300)}`);
  }
}
