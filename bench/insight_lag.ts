/**
 * Insight text to graph-visible relationship (issue 11, design §6: p99 under 1 s): writes insights
 * at a fixed rate through the real app (in process, over the stores the environment selects, with
 * the insights jobs running), each similar to a seeded one, and times from the 201 to the moment
 * the RELATES_TO edge is in the graph. Prints p50/p95/p99/max as JSON.
 *
 *   deno run -A bench/insight_lag.ts [--rate 20] [--seconds 10] [--profile]
 *   (with .services/env sourced for the server profile; DATA_DIR=memory-less temp otherwise)
 * `--profile` also prints where store time went (calls and total ms per port operation).
 * @module
 */
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { insightsDomain } from "../src/insights/mod.ts";
import { createLogger } from "../src/log.ts";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp } from "../src/migrate/runner.ts";
import { instrumentStores } from "../src/stores/instrument.ts";
import { dropMongoDatabase } from "../src/stores/documents/mongo.ts";
import { openStores } from "../src/stores/mod.ts";
import { removeProjectedNodes } from "./graph_cleanup.ts";
import { openOneConnection } from "./profiles.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const rate = arg("rate", 20);
const seconds = arg("seconds", 10);
const dataDir = await Deno.makeTempDir({ prefix: "polystore-lag-" });
const secret = Deno.env.get("JWT_SECRET") ?? "bench-secret-0123456789-0123456789-abcdef";
// A fresh documents database per run: FerretDB 1.x scans the whole collection for most queries,
// so leftovers of earlier runs would slow this one (see README).
const mongoDb = `lag_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
// And a fresh Postgres database: the bench's own keeps the insight jobs its API left queued (the
// insight_create scenario writes faster than jobs are processed), whose documents live in the
// bench's documents database, not this run's; this run's workers would claim those first.
const serverUrl = Deno.env.get("DATABASE_URL")?.match(/^postgres(ql)?:/)
  ? Deno.env.get("DATABASE_URL")!
  : undefined;
const pgDb = `lag_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
async function onServer(sql: string) {
  const db = await openOneConnection(serverUrl!, 30_000);
  try {
    await db.exec(sql);
  } finally {
    await db.close();
  }
}
let databaseUrl: string | undefined;
if (serverUrl) {
  await onServer(`create database ${pgDb}`);
  const u = new URL(serverUrl);
  u.pathname = `/${pgDb}`;
  databaseUrl = u.toString();
}
const config = loadConfig({
  DATABASE_URL: "memory://",
  ...Deno.env.toObject(),
  ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  MONGODB_DB: mongoDb,
  DATA_DIR: dataDir,
  JWT_SECRET: secret,
  LOG_LEVEL: "warn",
  RATE_LIMIT_USER_PER_MIN: "1000000",
});
const log = createLogger("warn");
const profiling = Deno.args.includes("--profile");
const spent = new Map<string, { calls: number; ms: number }>();
const opened = await openStores(config, log, { signingKey: secret });
const stores = profiling
  ? instrumentStores(opened, (port, op, seconds) => {
    const k = `${port}.${op}`;
    const e = spent.get(k) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += seconds * 1000;
    spent.set(k, e);
  })
  : opened;
await migrateUp(stores.relational, await loadMigrations());
const app = createApp(stores, config, { logger: log });
const stopJobs = await insightsDomain.jobs!(app.deps);

const r = await stores.relational.query<{ id: string }>(
  `insert into users (email, password_hash, full_name) values ($1, '!', 'Lag bench') returning id`,
  [`lag-${crypto.randomUUID()}@example.test`],
);
const { token } = await app.deps.tokens.signAccess(r.rows[0].id);
const post = async (title: string, body: string) => {
  const res = await app.request("/api/v1/insights", {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ title, body, tags: ["lag"] }),
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
  return (await res.json()).id as string;
};

// Seeds: one per topic, so every measured write has something to relate to.
const TOPICS = [
  "pricing review discount enterprise plans Acme Corp",
  "treinamento equipe vendas cronograma João Silva",
  "database failover latency incident postmortem",
  "mobile onboarding funnel drop signup conversion",
];
for (const t of TOPICS) await post(`Seed ${t.split(" ")[0]}`, t);
await new Promise((res) => setTimeout(res, 1000));

const lags: number[] = [];
const pending: Promise<void>[] = [];
const total = rate * seconds;
// One detector checks the four oldest waiting writes every 20 ms (work is done roughly in order),
// so the measuring does not itself load the stores it measures (embedded: one PGlite for all).
const waiting: { id: string; t0: number; done: () => void; fail: (e: Error) => void }[] = [];
let detecting = true;
const detector = (async () => {
  while (detecting || waiting.length) {
    for (const w of waiting.slice(0, 4)) {
      let deg = 0;
      try {
        deg = await stores.graph.degree({ label: "Insight", id: w.id }, { types: ["RELATES_TO"] });
      } catch { /* node not projected yet */ }
      if (deg > 0) {
        lags.push(performance.now() - w.t0);
        waiting.splice(waiting.indexOf(w), 1);
        w.done();
      } else if (performance.now() - w.t0 > 30_000) {
        const jobs = await stores.relational.query(
          "select status, attempts, last_error from insight_jobs where insight_id = $1",
          [w.id],
        );
        waiting.splice(waiting.indexOf(w), 1);
        w.fail(new Error(`no relationship for ${w.id} in 30 s: jobs ${JSON.stringify(jobs.rows)}`));
      }
    }
    await new Promise((res) => setTimeout(res, 20));
  }
})();
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  pending.push((async () => {
    const topic = TOPICS[i % TOPICS.length];
    const id = await post(`Lag ${i} ${topic.split(" ")[0]}`, `${topic} note ${i}`);
    const t0 = performance.now();
    await new Promise<void>((done, fail) => waiting.push({ id, t0, done, fail }));
  })());
}
const finished = await Promise.allSettled(pending);
detecting = false;
await detector;
const jobLag = await stores.relational.query<{ p50: number; p99: number }>(
  `select percentile_cont(0.5) within group (order by ms) as p50,
          percentile_cont(0.99) within group (order by ms) as p99
     from (select extract(epoch from finished_at - created_at) * 1000 as ms
             from insight_jobs where status = 'done' and owner_id = $1) t`,
  [r.rows[0].id],
);
await stopJobs();
// Nothing of this run is left for the next one to work through.
await stores.relational.query(
  `update insight_jobs set status = 'failed', last_error = 'lag bench ended'
    where owner_id = $1 and status in ('queued', 'running')`,
  [r.rows[0].id],
);
// Its graph nodes go too: the graph database is the one the tests use.
if (config.graph.url) await removeProjectedNodes(stores.relational, stores.graph);
await stores.close();
if (config.documents.url) await dropMongoDatabase(config.documents.url, mongoDb);
if (serverUrl) await onServer(`drop database if exists ${pgDb} with (force)`);
await Deno.remove(dataDir, { recursive: true }).catch(() => {});

const failed = finished.find((f) => f.status === "rejected");
if (failed) throw failed.reason;
if (profiling) {
  const top = [...spent].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
  for (const [k, v] of top) {
    console.error(`${k.padEnd(40)} ${String(v.calls).padStart(7)} calls ${Math.round(v.ms)} ms`);
  }
}
lags.sort((a, b) => a - b);
const pct = (p: number) => Math.round(lags[Math.min(lags.length - 1, Math.floor(p * lags.length))]);
console.log(JSON.stringify({
  scenario: "insight_text_to_graph_relationship",
  profile: config.graph.url ? "server" : "embedded",
  rate_per_s: rate,
  writes: lags.length,
  p50_ms: pct(0.5),
  p95_ms: pct(0.95),
  p99_ms: pct(0.99),
  max_ms: Math.round(lags[lags.length - 1]),
  // Queued to processed (the worker's share of the lag; the projector's is the rest).
  job_p50_ms: Math.round(Number(jobLag.rows[0].p50)),
  job_p99_ms: Math.round(Number(jobLag.rows[0].p99)),
  target_p99_ms: 1000,
}));
