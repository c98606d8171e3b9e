// The two profiles the API is measured on. embedded: every store in-process over a fresh temp
// DATA_DIR. server: the five servers of .services/env, with bench-only scratch databases
// (Postgres polystore_bench, Redis db 13, MongoDB polystore_bench) so test data never mixes in.
import { EnvSchema } from "../src/config.ts";
import { dropMongoDatabase } from "../src/stores/documents/mongo.ts";
import { openPg } from "../src/stores/relational/pg.ts";
import { openPglite } from "../src/stores/relational/pglite.ts";
import type { RelationalStore } from "../src/stores/relational/port.ts";
import { loadOrCreateSecret } from "../src/secret_file.ts";
import { ensureTool, run } from "./exec.ts";

export type ProfileName = "embedded" | "server";

/** Where the raw-store baselines of the server profile point. */
export interface ServerBaselines {
  /** A scratch database that holds only pgbench's tables. */
  pgbenchUrl: string;
  redisUrl: string;
  /** Redis database redis-benchmark fills and reads (not the API's). */
  redisDb: number;
}

/** One profile, ready to seed and start the API on. */
export interface Profile {
  name: ProfileName;
  /** The API process's whole environment (besides PATH/HOME). */
  apiEnv: Record<string, string>;
  dataDir: string;
  jwtSecret: string;
  /** Opens the bench database (the API's relational store) for seeding. */
  openDb(): Promise<RelationalStore>;
  baselines?: ServerBaselines;
  /** Human-readable description of the stores, for the report. */
  describe: string;
  cleanup(): Promise<void>;
}

export const ENV_FILE = new URL("../.services/env", import.meta.url);
// BENCH_DB / BENCH_REDIS_DB move the scratch stores, so two people benching on one set of servers
// do not drop each other's database mid-run (pgbench's database gets the same suffix).
const BENCH_DB = Deno.env.get("BENCH_DB") ?? "polystore_bench";
const PGBENCH_DB = BENCH_DB.replace(/^polystore_bench/, "polystore_pgbench");
const API_REDIS_DB = Number(Deno.env.get("BENCH_REDIS_DB") ?? 13);
const BASELINE_REDIS_DB = API_REDIS_DB + 1;

/** KEY=value lines of the servers' env file, or null when there is none. */
export async function readServerEnv(): Promise<Record<string, string> | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(ENV_FILE);
  } catch {
    return null;
  }
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/);
    if (m) out[m[1]] = m[2].replace(/^["']|["']$/g, "");
  }
  return out;
}

/**
 * The highest rate limit the config accepts (100000000 per minute if it takes it): the bench
 * measures the API, not the limiter's refusals.
 */
function raisedRateLimit(): string {
  for (const v of ["100000000", "10000000", "1000000"]) {
    if (EnvSchema.shape.RATE_LIMIT_USER_PER_MIN.safeParse(v).success) return v;
  }
  throw new Error("config accepts no raised rate limit");
}

function commonEnv(dataDir: string): Record<string, string> {
  const limit = raisedRateLimit();
  return {
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
    RATE_LIMIT_ANON_PER_MIN: limit,
    RATE_LIMIT_USER_PER_MIN: limit,
    RATE_LIMIT_AUTH_PER_MIN: limit,
    // The daily backup and partition upkeep fire on the first minute's tick once their UTC time
    // has passed and the fresh bench database holds no run of the day: a backup of the whole
    // bench data set then shares the API's thread with the scenarios for minutes.
    BACKUP_SCHEDULE: "off",
    PARTITION_SCHEDULE: "off",
  };
}

/** Embedded: PGlite in a fresh temp folder, in-process cache, folder objects, JSONB documents. */
export async function embeddedProfile(): Promise<Profile> {
  const dataDir = await Deno.makeTempDir({ prefix: "polystore_bench_" });
  // The same secret file main.ts would create, made here so the bench can read it.
  const jwtSecret = await loadOrCreateSecret(dataDir);
  return {
    name: "embedded",
    apiEnv: commonEnv(dataDir),
    dataDir,
    jwtSecret,
    openDb: () => openPglite(`${dataDir}/pg`),
    describe:
      "PGlite in a fresh DATA_DIR, in-process cache, JSONB documents, graph tables, folder objects",
    cleanup: () => Deno.remove(dataDir, { recursive: true }),
  };
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

function withRedisDb(url: string, db: number): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** One connection to `url` for the bench's own statements (databases made and dropped, clean-up). */
export function openOneConnection(url: string, statementTimeoutMs: number) {
  return openPg({
    url,
    poolSize: 1,
    idleTimeoutMs: 1000,
    statementTimeoutMs,
    connectTimeoutMs: 5000,
  });
}

async function recreateDatabase(adminUrl: string, name: string, keep: boolean): Promise<void> {
  const admin = await openOneConnection(adminUrl, 120_000);
  try {
    const exists = await admin.query("select 1 from pg_database where datname = $1", [name]);
    if (exists.rowCount > 0 && keep) return;
    if (exists.rowCount > 0) await admin.exec(`drop database ${name} with (force)`);
    await admin.exec(`create database ${name}`);
  } finally {
    await admin.close();
  }
}

/** Server: the servers of .services/env; fresh polystore_bench databases (SQL, documents) every run. */
export async function serverProfile(env: Record<string, string>): Promise<Profile> {
  const need = ["DATABASE_URL", "REDIS_URL", "JWT_SECRET"];
  const missing = need.filter((k) => !env[k]);
  if (missing.length > 0) throw new Error(`${ENV_FILE.pathname} lacks ${missing.join(", ")}`);
  const dataDir = await Deno.makeTempDir({ prefix: "polystore_bench_server_" });
  const databaseUrl = withDatabase(env.DATABASE_URL, BENCH_DB);
  await recreateDatabase(env.DATABASE_URL, BENCH_DB, false);
  await recreateDatabase(env.DATABASE_URL, PGBENCH_DB, true);
  // The API's cache database starts empty too (rate-limit counters, cached grants of old runs).
  await ensureTool("/usr/bin/redis-cli", "redis-tools");
  await run("redis-cli", ["-u", withRedisDb(env.REDIS_URL, API_REDIS_DB), "flushdb"]);
  // FerretDB 1.x scans whole collections for most queries: leftovers of earlier runs (thousands
  // of insights) would slow this one until insight requests time out.
  if (env.MONGODB_URL) await dropMongoDatabase(env.MONGODB_URL, BENCH_DB);
  const apiEnv: Record<string, string> = {
    ...commonEnv(dataDir),
    DATABASE_URL: databaseUrl,
    REDIS_URL: withRedisDb(env.REDIS_URL, API_REDIS_DB),
    JWT_SECRET: env.JWT_SECRET,
  };
  for (
    const k of [
      "MONGODB_URL",
      "NEO4J_URL",
      "NEO4J_USER",
      "NEO4J_PASSWORD",
      "S3_ENDPOINT",
      "S3_ACCESS_KEY",
      "S3_SECRET_KEY",
      "S3_REGION",
    ]
  ) {
    if (env[k]) apiEnv[k] = env[k];
  }
  if (env.MONGODB_URL) apiEnv.MONGODB_DB = BENCH_DB;
  const stores = [`postgres (${BENCH_DB})`, `redis db ${API_REDIS_DB}`];
  if (env.MONGODB_URL) stores.push(`mongodb protocol (${BENCH_DB})`);
  if (env.NEO4J_URL) stores.push("neo4j");
  if (env.S3_ENDPOINT) stores.push("minio");
  return {
    name: "server",
    apiEnv,
    dataDir,
    jwtSecret: env.JWT_SECRET,
    openDb: () =>
      openPg({
        url: databaseUrl,
        poolSize: 2,
        idleTimeoutMs: 10_000,
        statementTimeoutMs: 600_000,
        connectTimeoutMs: 5000,
      }),
    baselines: {
      pgbenchUrl: withDatabase(env.DATABASE_URL, PGBENCH_DB),
      redisUrl: env.REDIS_URL,
      redisDb: BASELINE_REDIS_DB,
    },
    describe: stores.join(", "),
    cleanup: () => Deno.remove(dataDir, { recursive: true }),
  };
}
