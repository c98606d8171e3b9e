/**
 * Insight text to graph-visible relationship (issue 11, design §6: p99 under 1 s): writes insights
 * at a fixed rate through the real app (in process, over the stores the environment selects, with
 * the insights jobs running), each similar to a seeded one, and times from the 201 to the moment
 * the RELATES_TO edge is in the graph. Prints p50/p95/p99/max as JSON.
 *
 *   deno run -A bench/insight_lag.ts [--rate 20] [--seconds 10]
 *   (with .services/env sourced for the server profile; DATA_DIR=memory-less temp otherwise)
 * @module
 */
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { insightsDomain } from "../src/insights/mod.ts";
import { createLogger } from "../src/log.ts";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp } from "../src/migrate/runner.ts";
import { openStores } from "../src/stores/mod.ts";

function arg(name: string, fallback: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : fallback;
}

const rate = arg("rate", 20);
const seconds = arg("seconds", 10);
const dataDir = await Deno.makeTempDir({ prefix: "polystore-lag-" });
const secret = Deno.env.get("JWT_SECRET") ?? "bench-secret-0123456789-0123456789-abcdef";
const config = loadConfig({
  DATABASE_URL: "memory://",
  ...Deno.env.toObject(),
  DATA_DIR: dataDir,
  JWT_SECRET: secret,
  LOG_LEVEL: "warn",
  RATE_LIMIT_USER_PER_MIN: "1000000",
  INSIGHTS_POLL_MS: Deno.env.get("INSIGHTS_POLL_MS") ?? "20",
});
const log = createLogger("warn");
const stores = await openStores(config, log, { signingKey: secret });
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
const start = performance.now();
for (let i = 0; i < total; i++) {
  const due = start + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  pending.push((async () => {
    const topic = TOPICS[i % TOPICS.length];
    const id = await post(`Lag ${i} ${topic.split(" ")[0]}`, `${topic} note ${i}`);
    const t0 = performance.now();
    for (;;) {
      try {
        const deg = await stores.graph.degree({ label: "Insight", id }, { types: ["RELATES_TO"] });
        if (deg > 0) break;
      } catch { /* node not projected yet */ }
      if (performance.now() - t0 > 30_000) {
        const jobs = await stores.relational.query(
          "select status, attempts, last_error from insight_jobs where insight_id = $1",
          [id],
        );
        const rels = await stores.relational.query(
          "select id, deleted_at from insight_relationships where source_id = $1 or target_id = $1",
          [id],
        );
        throw new Error(
          `no relationship for ${id} in 30 s: jobs ${JSON.stringify(jobs.rows)}, rels ${
            JSON.stringify(rels.rows)
          }`,
        );
      }
      await new Promise((res) => setTimeout(res, 5));
    }
    lags.push(performance.now() - t0);
  })());
}
await Promise.all(pending);
await stopJobs();
await stores.close();
await Deno.remove(dataDir, { recursive: true }).catch(() => {});

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
  target_p99_ms: 1000,
}));
