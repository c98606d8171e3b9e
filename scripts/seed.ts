// `deno task seed`: idempotent sample data on the store the environment selects — a demo diretor
// with seed 003's dashboard and exactly 720 hourly metrics over the last 30 days, and a few
// companies, contacts, leads and deals spread over the pipeline stages. Rows have fixed ids, so
// a second run adds nothing; the dashboard's samples are replaced so they stay the last 30 days.
import { ConfigError, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp, MigrationError } from "../src/migrate/runner.ts";
import { openRelational } from "../src/stores/relational/open.ts";
import type { RelationalStore, Transaction } from "../src/stores/relational/port.ts";

/** The demo user: login is disabled (no password) until an admin sets one. */
export const SEED_USER_EMAIL = "demo@polystore.example";
export const SEED_DASHBOARD_ID = "5eed0000-0000-4000-8000-000000000d01";
export const SEED_METRICS = 720;

const HOUR_MS = 3_600_000;
// Kinds are hex digits (a companies, b contacts, c leads, d deals) so the ids are valid UUIDs.
const id = (kind: "a" | "b" | "c" | "d", n: number) =>
  `5eed0000-0000-4000-8000-${kind}${String(n).padStart(12 - kind.length, "0")}`;

const COMPANIES = [
  {
    n: 1,
    name: "Aurora Filmes Ltda",
    cnpj: "11.222.333/0001-81",
    segment: "media",
    size: "pequena",
  },
  { n: 2, name: "Brisa Tecnologia SA", cnpj: "22.333.444/0001-92", segment: "tech", size: "media" },
  { n: 3, name: "Cafe Serrano ME", cnpj: "33.444.555/0001-03", segment: "food", size: "micro" },
];
const CONTACTS = [
  { n: 1, company: 1, name: "Joana Ribeiro", email: "joana@aurora.example", title: "CEO" },
  { n: 2, company: 2, name: "Marcos Lima", email: "marcos@brisa.example", title: "CMO" },
  { n: 3, company: 2, name: "Paula Souza", email: "paula@brisa.example", title: "Head of Growth" },
  { n: 4, company: 3, name: "Rafael Costa", email: "rafael@serrano.example", title: "Owner" },
];
const LEADS = [
  { n: 1, contact: 1, company: 1, status: "qualified", temperature: "hot", score: 82 },
  { n: 2, contact: 2, company: 2, status: "contacted", temperature: "warm", score: 55 },
  { n: 3, contact: 3, company: 2, status: "new", temperature: "cold", score: 20 },
  { n: 4, contact: 4, company: 3, status: "converted", temperature: "hot", score: 91 },
];
/** One deal per stage, so every column of the pipeline board has something in it. */
const DEALS = [
  { n: 1, lead: 3, stage: "prospeccao", status: "open", value: 8000 },
  { n: 2, lead: 2, stage: "qualificacao", status: "open", value: 15000 },
  { n: 3, lead: 2, stage: "proposta", status: "open", value: 42000.5 },
  { n: 4, lead: 1, stage: "negociacao", status: "open", value: 65000 },
  { n: 5, lead: 1, stage: "fechamento", status: "open", value: 30000 },
  { n: 6, lead: 4, stage: "ganho", status: "won", value: 12000 },
  { n: 7, lead: 3, stage: "perdido", status: "lost", value: 5000 },
];

/** A small deterministic PRNG (mulberry32), so every run writes the same sample values. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seed 003's sample ranges, one sample per hour back from the current hour. */
export function sampleMetrics(nowMs: number) {
  const rand = prng(720);
  const between = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const top = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  return Array.from({ length: SEED_METRICS }, (_, i) => ({
    ia_efficiency: between(0.85, 0.99),
    model_accuracy: between(0.88, 0.98),
    processing_time_ms: between(20, 100),
    memory_usage_mb: between(200, 512),
    error_rate: between(0.01, 0.05),
    timestamp: new Date(top - i * HOUR_MS),
  }));
}

async function seedUser(tx: Transaction): Promise<string> {
  await tx.query(
    `insert into users (email, password_hash, full_name, is_verified)
     values ($1, '!', 'Demo User', true) on conflict do nothing`,
    [SEED_USER_EMAIL],
  );
  const r = await tx.query<{ id: string }>("select id from users where lower(email) = lower($1)", [
    SEED_USER_EMAIL,
  ]);
  // Dashboards need the `dashboard` permission, which seed 004 gives to diretor.
  await tx.query(
    `insert into user_roles (user_id, role_id) select $1, id from roles where name = 'diretor'
     on conflict do nothing`,
    [r.rows[0].id],
  );
  return r.rows[0].id;
}

async function seedCrm(tx: Transaction, userId: string): Promise<void> {
  for (const c of COMPANIES) {
    await tx.query(
      `insert into companies (id, name, cnpj, segment, size, source, created_by)
       values ($1, $2, $3, $4, $5, 'seed', $6) on conflict do nothing`,
      [id("a", c.n), c.name, c.cnpj, c.segment, c.size, userId],
    );
  }
  for (const c of CONTACTS) {
    await tx.query(
      `insert into contacts (id, company_id, full_name, email, job_title, source, created_by)
       values ($1, $2, $3, $4, $5, 'seed', $6) on conflict do nothing`,
      [id("b", c.n), id("a", c.company), c.name, c.email, c.title, userId],
    );
  }
  for (const l of LEADS) {
    await tx.query(
      `insert into leads (id, contact_id, company_id, status, temperature, score, source,
                          assigned_to, created_by)
       values ($1, $2, $3, $4::lead_status, $5::lead_temperature, $6, 'seed', $7, $7)
       on conflict do nothing`,
      [
        id("c", l.n),
        id("b", l.contact),
        id("a", l.company),
        l.status,
        l.temperature,
        l.score,
        userId,
      ],
    );
  }
  for (const d of DEALS) {
    const lead = LEADS.find((l) => l.n === d.lead)!;
    await tx.query(
      `insert into deals (id, title, lead_id, company_id, contact_id, stage_id, status, value,
                          owned_by)
       select $1, $2, $3, $4, $5, s.id, $7::deal_status, $8, $9
         from pipeline_stages s where s.slug = $6
       on conflict do nothing`,
      [
        id("d", d.n),
        `Sample deal ${d.n}`,
        id("c", d.lead),
        id("a", lead.company),
        id("b", lead.contact),
        d.stage,
        d.status,
        d.value,
        userId,
      ],
    );
  }
}

async function seedDashboard(tx: Transaction, userId: string, nowMs: number): Promise<number> {
  await tx.query(
    `insert into dashboards (id, name, user_id) values ($1, 'AI Monitoring Dashboard', $2)
     on conflict (id) do nothing`,
    [SEED_DASHBOARD_ID, userId],
  );
  // Replaced rather than topped up: exactly 720 samples, always ending at the current hour.
  await tx.query("delete from metrics where dashboard_id = $1", [SEED_DASHBOARD_ID]);
  const samples = sampleMetrics(nowMs);
  const col = (k: keyof typeof samples[number]) => samples.map((s) => s[k]);
  const r = await tx.query(
    `insert into metrics (user_id, dashboard_id, ia_efficiency, model_accuracy,
                          processing_time_ms, memory_usage_mb, error_rate, "timestamp", periodo)
     select $1, $2, s.*, '30d'
       from unnest($3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                   $8::timestamptz[]) as s`,
    [
      userId,
      SEED_DASHBOARD_ID,
      col("ia_efficiency"),
      col("model_accuracy"),
      col("processing_time_ms"),
      col("memory_usage_mb"),
      col("error_rate"),
      col("timestamp"),
    ],
  );
  return r.rowCount;
}

export interface SeedResult {
  user_id: string;
  dashboard_id: string;
  metrics: number;
}

/**
 * Writes the sample data in one transaction; safe to run any number of times.
 *
 * @example
 * const db = await openPglite("memory://");
 * await migrateUp(db, await loadMigrations());
 * await seedSampleData(db); // again later: still 720 metrics
 */
export async function seedSampleData(
  db: RelationalStore,
  nowMs: number = Date.now(),
): Promise<SeedResult> {
  return await db.transaction(async (tx) => {
    const userId = await seedUser(tx);
    await seedCrm(tx, userId);
    const metrics = await seedDashboard(tx, userId, nowMs);
    return { user_id: userId, dashboard_id: SEED_DASHBOARD_ID, metrics };
  });
}

async function main(): Promise<number> {
  const config = loadConfig(Deno.env.toObject());
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const db = await openRelational(config, log);
  try {
    const applied = await migrateUp(db, await loadMigrations());
    if (applied.length > 0) console.log(`applied migrations ${applied.join(", ")}`);
    const r = await seedSampleData(db);
    console.log(
      `seeded: user ${SEED_USER_EMAIL} (${r.user_id}), dashboard ${r.dashboard_id} with ` +
        `${r.metrics} hourly metrics, ${COMPANIES.length} companies, ${CONTACTS.length} ` +
        `contacts, ${LEADS.length} leads, ${DEALS.length} deals`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MigrationError) {
      console.error(err.message);
      Deno.exit(1);
    }
    throw err;
  }
}
