// One real call to each of the five local servers through polystore's own store adapters, with the
// settings `scripts/services.sh up` wrote: proves tests and `deno task start` get working servers.
//
// Usage: deno run --allow-all scripts/services_check.ts [env-file]   (default: .services/env)
import { type Config, loadConfig } from "../src/config.ts";
import { openRedisCache } from "../src/stores/cache/redis.ts";
import { openMongoDocuments } from "../src/stores/documents/mongo.ts";
import { openNeo4jGraph } from "../src/stores/graph/neo4j.ts";
import { openMinioObjects } from "../src/stores/objects/minio.ts";
import { openPg } from "../src/stores/relational/pg.ts";

/** The variable that selects each role's server adapter. */
export const SERVER_VARIABLES = {
  relational: "DATABASE_URL",
  cache: "REDIS_URL",
  documents: "MONGODB_URL",
  graph: "NEO4J_URL",
  objects: "S3_ENDPOINT",
} as const;

export type Role = keyof typeof SERVER_VARIABLES;

/** The outcome of one server's check. */
export interface CheckResult {
  role: Role;
  /** Which adapter answered, e.g. "pg"; "" when it could not be opened. */
  adapter: string;
  ok: boolean;
  ms: number;
  /** What was done, or why it failed. */
  detail: string;
}

/** The env file `scripts/services.sh` writes: `$POLYSTORE_SERVICES_DIR/env`, else `.services/env`. */
export function defaultEnvFile(): string {
  const dir = Deno.env.get("POLYSTORE_SERVICES_DIR");
  return dir ? `${dir}/env` : new URL("../.services/env", import.meta.url).pathname;
}

/** Parses `KEY=value` lines; blank lines and `#` comments are skipped, nothing is unquoted. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/);
    if (m) out[m[1]] = m[2].trim();
  }
  return out;
}

// Each check opens its adapter, makes its call, checks the answer and closes the adapter.
type Check = (config: Config) => Promise<{ adapter: string; detail: string }>;

const CHECK_TAG = `services-check-${Date.now()}-${crypto.randomUUID().slice(0, 8)}`;

const checks: Record<Role, Check> = {
  async relational(config) {
    const db = await openPg({
      url: config.relational.url!,
      poolSize: 1,
      idleTimeoutMs: 1000,
      statementTimeoutMs: config.storeTimeoutMs,
      connectTimeoutMs: config.storeTimeoutMs,
      connectAttempts: 1,
    });
    try {
      const { rows } = await db.query<{ one: number }>("select 1 as one");
      expectEqual(rows[0]?.one, 1, "select 1");
      return { adapter: db.adapter, detail: "select 1 -> 1" };
    } finally {
      await db.close();
    }
  },

  async cache(config) {
    const cache = await openRedisCache({
      url: config.cache.url!,
      timeoutMs: config.storeTimeoutMs,
    });
    try {
      // health() is the adapter's PING round trip.
      const h = await cache.health();
      if (h.status !== "ok") throw new Error(`PING failed: ${h.detail ?? "down"}`);
      return { adapter: cache.adapter, detail: `PING ok (${h.latency_ms} ms)` };
    } finally {
      await cache.close();
    }
  },

  async documents(config) {
    const docs = await openMongoDocuments({
      url: config.documents.url!,
      db: config.documents.db,
      timeoutMs: config.storeTimeoutMs,
    });
    const name = CHECK_TAG.replaceAll("-", "_");
    try {
      const inserted = await docs.collection(name).insertOne({ probe: CHECK_TAG, n: 1 });
      const found = await docs.collection(name).findOne({ _id: inserted._id });
      expectEqual(found?.probe, CHECK_TAG, "find after insert");
      return { adapter: docs.adapter, detail: `insert + find in ${config.documents.db}.${name}` };
    } finally {
      await docs.dropCollection(name).catch(() => {});
      await docs.close();
    }
  },

  async graph(config) {
    const graph = await openNeo4jGraph({
      url: config.graph.url!,
      user: config.graph.user,
      password: config.graph.password,
      timeoutMs: config.storeTimeoutMs,
    });
    try {
      // health() runs `RETURN 1` in a read transaction as the configured user.
      const h = await graph.health();
      if (h.status !== "ok") throw new Error(`RETURN 1 failed: ${h.detail ?? "down"}`);
      return { adapter: graph.adapter, detail: `RETURN 1 ok (${h.latency_ms} ms)` };
    } finally {
      await graph.close();
    }
  },

  async objects(config) {
    const objects = await openMinioObjects({
      endpoint: config.objects.endpoint!,
      accessKey: config.objects.accessKey,
      secretKey: config.objects.secretKey,
      region: config.objects.region,
      timeoutMs: config.storeTimeoutMs,
    });
    const bucket = CHECK_TAG.slice(0, 63);
    const body = new TextEncoder().encode(`hello from ${CHECK_TAG}`);
    try {
      await objects.ensureBucket(bucket);
      await objects.put(bucket, "probe.txt", body, { contentType: "text/plain" });
      const got = await objects.get(bucket, "probe.txt");
      const text = await new Response(got.body).text();
      expectEqual(text, `hello from ${CHECK_TAG}`, "get after put");
      return { adapter: objects.adapter, detail: `put + get of ${body.length} bytes` };
    } finally {
      await objects.remove(bucket, "probe.txt").catch(() => {});
      await objects.removeBucket(bucket, { force: true }).catch(() => {});
      await objects.close();
    }
  },
};

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${String(expected)}, got ${String(actual)}`);
  }
}

/** Checks every role whose server variable is set in `env`; a missing one is a failed result. */
export async function checkServers(env: Record<string, string>): Promise<CheckResult[]> {
  const config = loadConfig(env);
  const results: CheckResult[] = [];
  for (const role of Object.keys(SERVER_VARIABLES) as Role[]) {
    const variable = SERVER_VARIABLES[role];
    const started = performance.now();
    if (!env[variable]) {
      results.push({ role, adapter: "", ok: false, ms: 0, detail: `${variable} not set` });
      continue;
    }
    try {
      const { adapter, detail } = await checks[role](config);
      results.push({ role, adapter, ok: true, ms: elapsed(started), detail });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      results.push({ role, adapter: "", ok: false, ms: elapsed(started), detail });
    }
  }
  return results;
}

function elapsed(started: number): number {
  return Math.round(performance.now() - started);
}

if (import.meta.main) {
  const file = Deno.args[0] ?? defaultEnvFile();
  let env: Record<string, string>;
  try {
    env = parseEnvFile(await Deno.readTextFile(file));
  } catch {
    console.error(`no env file at ${file}; run: scripts/services.sh up`);
    Deno.exit(1);
  }
  const results = await checkServers(env);
  for (const r of results) {
    const server = `${r.role} (${r.adapter || SERVER_VARIABLES[r.role]})`;
    console.log(
      `${r.ok ? "ok  " : "FAIL"} ${server.padEnd(24)} ${String(r.ms).padStart(5)} ms  ${r.detail}`,
    );
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  Deno.exit(failed === 0 ? 0 : 1);
}
