/**
 * A fresh, empty deployment to restore into, apart from the shared test stores (which are never
 * wiped): embedded — a new PGlite with JSONB documents and graph on it, an in-process cache and a
 * temp folder; server — a new Postgres database, a new Mongo database name, a Redis db index, a
 * private Neo4j (services.sh run-private), and MinIO buckets under a fresh name prefix.
 *
 * @module
 */
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { loadMigrations } from "../../src/migrate/files.ts";
import { migrateUp } from "../../src/migrate/runner.ts";
import type { OpsContext } from "../../src/ops/types.ts";
import { openStores } from "../../src/stores/mod.ts";
import { ensureStandardBuckets } from "../../src/stores/objects/buckets.ts";
import type { ObjectStore } from "../../src/stores/objects/port.ts";
import { openPg } from "../../src/stores/relational/pg.ts";
import type { Stores } from "../../src/stores/types.ts";
import type { Profile } from "../support/api.ts";
import { TEST_JWT_SECRET } from "../support/api.ts";
import { serverEnv } from "../support/profile.ts";
import type { PrivateServer } from "../support/private_servers.ts";
import { prefixedObjects } from "./prefixed_objects.ts";

export interface FreshDeployment {
  ctx: OpsContext;
  stores: Stores;
  close(): Promise<void>;
}

/**
 * Opens an empty migrated deployment. On the server profile `graph` says where its graph lives:
 * a private Neo4j (passed in, started by the caller) or the embedded graph on its own Postgres.
 */
export async function openFreshDeployment(
  profile: Profile,
  options: { neo4j?: PrivateServer; redisDb?: number } = {},
): Promise<FreshDeployment> {
  const dataDir = await Deno.makeTempDir({ prefix: "polystore-fresh-" });
  const tag = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  // After the stores are closed (drop the database), in order.
  const afterClose: (() => Promise<void>)[] = [];
  let env: Record<string, string> = { DATABASE_URL: "memory://" };
  if (profile === "server") {
    const s = serverEnv();
    const admin = new URL(s.DATABASE_URL);
    const dbName = `polystore_restore_${tag}`;
    const adminDb = await openPg({
      url: admin.toString(),
      poolSize: 1,
      idleTimeoutMs: 1000,
      statementTimeoutMs: 60_000,
      connectTimeoutMs: 5000,
      connectAttempts: 2,
    });
    await adminDb.query(`CREATE DATABASE ${dbName}`);
    afterClose.push(async () => {
      await adminDb.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
      await adminDb.close();
    });
    const url = new URL(s.DATABASE_URL);
    url.pathname = `/${dbName}`;
    const redis = new URL(s.REDIS_URL);
    redis.pathname = `/${options.redisDb ?? 7}`;
    env = {
      DATABASE_URL: url.toString(),
      MONGODB_URL: s.MONGODB_URL,
      MONGODB_DB: `restore_${tag}`,
      REDIS_URL: redis.toString(),
      S3_ENDPOINT: s.S3_ENDPOINT,
      S3_ACCESS_KEY: s.S3_ACCESS_KEY,
      S3_SECRET_KEY: s.S3_SECRET_KEY,
      S3_REGION: s.S3_REGION ?? "us-east-1",
      ...(options.neo4j ? options.neo4j.env : {}),
    };
  }
  const config = loadConfig({ ...env, DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET });
  const log = createLogger("silent");
  const opened = await openStores(config, log, { signingKey: TEST_JWT_SECRET });
  let objects: ObjectStore = opened.objects;
  if (profile === "server") objects = prefixedObjects(opened.objects, `r${tag}-`);
  const stores: Stores = { ...opened, objects };
  await migrateUp(stores.relational, await loadMigrations());
  await ensureStandardBuckets(stores.objects);
  // Server data outside the dropped database: the Mongo database and the prefixed buckets.
  const beforeClose = async () => {
    if (profile !== "server") return;
    for (const name of await stores.documents.listCollections()) {
      await stores.documents.dropCollection(name).catch(() => {});
    }
    await (objects as ReturnType<typeof prefixedObjects>).removeAll().catch(() => {});
  };
  return {
    ctx: { stores, config, log, now: Date.now },
    stores,
    async close() {
      await beforeClose();
      await opened.close();
      for (const c of afterClose) await c();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
