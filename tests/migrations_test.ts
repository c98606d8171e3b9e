// The real sql/ migrations: all the way up, down to zero and up again, on PGlite and on server
// PostgreSQL (in a scratch database, so the shared test database is never emptied).
import assert from "node:assert/strict";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateDown, migrateUp } from "../src/migrate/runner.ts";
import { openPg } from "../src/stores/relational/pg.ts";
import { openPglite } from "../src/stores/relational/pglite.ts";
import type { RelationalStore } from "../src/stores/relational/port.ts";
import { serverSetting, serverTest } from "./support/profile.ts";

const SEED_004_TABLES = [
  "users",
  "roles",
  "user_roles",
  "companies",
  "contacts",
  "leads",
  "lead_interactions",
  "pipeline_stages",
  "deals",
  "contracts",
  "projects",
  "sprints",
  "tasks",
  "invoices",
  "payments",
  "expenses",
  "suppliers",
  "budgets",
  "equipment",
  "content_pieces",
  "social_posts",
  "agents",
  "agent_logs",
  "notifications",
  "audit_logs",
];

async function tableNames(db: RelationalStore): Promise<string[]> {
  // Top-level tables only: partitions are listed separately below.
  const r = await db.query<{ name: string }>(
    `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
      order by 1`,
  );
  return r.rows.map((x) => x.name);
}

async function fullCycle(t: Deno.TestContext, db: RelationalStore): Promise<void> {
  const migrations = await loadMigrations();

  await t.step(
    "up creates the 25 seed 004 tables, dashboards, metrics, company_users",
    async () => {
      await migrateUp(db, migrations);
      const names = await tableNames(db);
      for (const table of [...SEED_004_TABLES, "dashboards", "metrics", "company_users"]) {
        assert.ok(names.includes(table), `missing table ${table}`);
      }
      assert.equal(SEED_004_TABLES.length, 25);
    },
  );

  await t.step("agent_logs and audit_logs are partitioned by month with a default", async () => {
    const r = await db.query<{ parent: string; part: string }>(
      `select p.relname as parent, c.relname as part
         from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
        where p.relname in ('agent_logs', 'audit_logs') order by 1, 2`,
    );
    for (const parent of ["agent_logs", "audit_logs"]) {
      const parts = r.rows.filter((x) => x.parent === parent).map((x) => x.part);
      assert.ok(parts.includes(`${parent}_default`), `${parent} default partition`);
      const now = new Date();
      const month = `${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, "0")}`;
      assert.ok(parts.includes(`${parent}_${month}`), `${parent} partition for ${month}`);
    }
  });

  await t.step("an audit row far in the future still inserts (default partition)", async () => {
    await db.query(
      `insert into audit_logs (action, resource_type, created_at) values ('test', 'x', '2999-01-01')`,
    );
    const r = await db.query<{ n: number }>(
      "select count(*) as n from audit_logs_default where action = 'test'",
    );
    assert.equal(r.rows[0].n, 1);
  });

  await t.step("seed 004's index kinds and updated_at triggers are in the catalogue", async () => {
    const idx = await db.query<{ name: string; def: string }>(
      "select indexname as name, indexdef as def from pg_indexes where schemaname = 'public'",
    );
    const def = (name: string) => idx.rows.find((r) => r.name === name)?.def ?? "";
    assert.match(def("idx_companies_name_trgm"), /USING gin \(name gin_trgm_ops\)/);
    assert.match(def("idx_contacts_name_trgm"), /USING gin \(full_name gin_trgm_ops\)/);
    // 0095: PGlite answers wrongly from a GiST trigram index; server Postgres keeps 0091's.
    const gist = def("idx_companies_name_trgm_gist");
    if (db.adapter === "pglite") assert.equal(gist, "", "no GiST trigram index on PGlite");
    else assert.match(gist, /USING gist \(name gist_trgm_ops\)/);
    assert.match(def("idx_leads_metadata"), /USING gin \(metadata\)/);
    assert.match(def("idx_leads_score"), /\(score DESC\)/);
    assert.ok(idx.rows.some((r) => / WHERE /.test(r.def)), "a partial index");
    // Seed 004 names 84 indexes; primary keys and unique constraints add their own.
    assert.ok(idx.rows.filter((r) => r.name.startsWith("idx_")).length >= 84);

    const trig = await db.query<{ tbl: string }>(
      `select c.relname as tbl from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where t.tgname = 'set_updated_at' and not t.tgisinternal`,
    );
    const withTrigger = new Set(trig.rows.map((r) => r.tbl));
    const seedList = `users roles companies contacts leads deals contracts projects sprints tasks
      invoices payments expenses suppliers budgets equipment content_pieces social_posts agents
      notifications`.split(/\s+/);
    assert.deepEqual(seedList.filter((tbl) => !withTrigger.has(tbl)), []);

    const row = await db.query<{ id: string; updated_at: Date }>(
      `insert into companies (name, updated_at) values ('trigger check', '2000-01-01')
       returning id, updated_at`,
    );
    const after = await db.query<{ updated_at: Date }>(
      "update companies set name = 'trigger check 2' where id = $1 returning updated_at",
      [row.rows[0].id],
    );
    assert.ok(after.rows[0].updated_at.getTime() > Date.UTC(2020, 0, 1), "updated_at moved");
    await db.query("delete from companies where id = $1", [row.rows[0].id]);
  });

  await t.step("the five roles and the pipeline stages are seeded", async () => {
    const roles = await db.query<{ name: string }>("select name::text from roles order by 1");
    assert.deepEqual(roles.rows.map((r) => r.name), [
      "admin",
      "agente_ia",
      "cliente",
      "comercial",
      "diretor",
    ]);
    const stages = await db.query<{ n: number }>("select count(*) as n from pipeline_stages");
    assert.ok(stages.rows[0].n >= 5);
  });

  await t.step("down to zero leaves only the bookkeeping table; up again works", async () => {
    const reverted = await migrateDown(db, migrations, migrations.length);
    assert.equal(reverted.length, migrations.length);
    assert.deepEqual(await tableNames(db), ["schema_migrations"]);
    const applied = await migrateUp(db, migrations);
    assert.equal(applied.length, migrations.length);
    assert.ok((await tableNames(db)).includes("audit_logs"));
  });
}

Deno.test("migrations: full cycle on PGlite", async (t) => {
  const db = await openPglite("memory://");
  try {
    await fullCycle(t, db);
  } finally {
    await db.close();
  }
});

serverTest("migrations: full cycle on server PostgreSQL", ["DATABASE_URL"], async (t) => {
  const url = new URL(serverSetting("DATABASE_URL")!);
  const opts = {
    poolSize: 2,
    idleTimeoutMs: 5000,
    statementTimeoutMs: 30000,
    connectTimeoutMs: 3000,
  };
  const admin = await openPg({ ...opts, url: url.href });
  const scratch = `polystore_migrations_${crypto.randomUUID().slice(0, 8)}`;
  await admin.exec(`create database ${scratch}`);
  url.pathname = `/${scratch}`;
  const db = await openPg({ ...opts, url: url.href });
  const other = await openPg({ ...opts, url: url.href });
  try {
    await fullCycle(t, db);
    await t.step("two instances migrating at once apply each file exactly once", async () => {
      const migrations = await loadMigrations();
      for (let round = 0; round < 3; round++) {
        await migrateDown(db, migrations, migrations.length);
        if (round === 0) await db.exec("drop table schema_migrations");
        const [a, b] = await Promise.all([migrateUp(db, migrations), migrateUp(other, migrations)]);
        assert.deepEqual(
          [...a, ...b].sort((x, y) => x - y),
          migrations.map((m) => m.version),
          `round ${round}: ${a} | ${b}`,
        );
        const rows = await db.query<{ version: number }>(
          "select version from schema_migrations order by version",
        );
        assert.deepEqual(rows.rows.map((r) => r.version), migrations.map((m) => m.version));
      }
    });
  } finally {
    await other.close();
    await db.close();
    await admin.exec(`drop database if exists ${scratch} with (force)`);
    await admin.close();
  }
});
