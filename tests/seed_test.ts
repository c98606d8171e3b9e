// `deno task seed` is idempotent: run twice on one embedded database, it leaves exactly 720 hourly
// metrics over the last 30 days for the sample dashboard and the same CRM rows.
import assert from "node:assert/strict";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp } from "../src/migrate/runner.ts";
import { openPglite } from "../src/stores/relational/pglite.ts";
import { SEED_DASHBOARD_ID, SEED_USER_EMAIL, seedSampleData } from "../scripts/seed.ts";

const HOUR = 3_600_000;

Deno.test("seed twice leaves exactly 720 metrics and the same sample rows", async (t) => {
  const db = await openPglite("memory://");
  try {
    await migrateUp(db, await loadMigrations());
    const counts = async () => {
      const r = await db.query<Record<string, number>>(
        `select (select count(*) from users where email = $1)::int as users,
                (select count(*) from user_roles ur join users u on u.id = ur.user_id
                   join roles r on r.id = ur.role_id
                  where u.email = $1 and r.name = 'diretor')::int as directors,
                (select count(*) from dashboards where id = $2)::int as dashboards,
                (select count(*) from metrics where dashboard_id = $2)::int as metrics,
                (select count(*) from companies)::int as companies,
                (select count(*) from contacts)::int as contacts,
                (select count(*) from leads)::int as leads,
                (select count(*) from deals)::int as deals,
                (select count(distinct stage_id) from deals)::int as stages`,
        [SEED_USER_EMAIL, SEED_DASHBOARD_ID],
      );
      return r.rows[0];
    };
    const now = Date.now();

    await t.step("first run", async () => {
      const r = await seedSampleData(db, now);
      assert.equal(r.metrics, 720);
      const c = await counts();
      assert.equal(c.metrics, 720);
      assert.equal(c.users, 1);
      assert.equal(c.directors, 1, "the demo user holds diretor, so it reaches its dashboard");
      assert.equal(c.dashboards, 1);
      assert.ok(c.companies >= 3 && c.contacts >= 4 && c.leads >= 4);
      const stages = await db.query<{ n: number }>(
        "select count(*)::int as n from pipeline_stages",
      );
      assert.equal(c.stages, stages.rows[0].n, "deals spread over every stage");
    });

    await t.step("the samples are hourly and cover the last 30 days", async () => {
      const r = await db.query<{ first: Date; last: Date; hours: number }>(
        `select min("timestamp") as first, max("timestamp") as last,
                count(distinct date_trunc('hour', "timestamp"))::int as hours
           from metrics where dashboard_id = $1`,
        [SEED_DASHBOARD_ID],
      );
      const { first, last, hours } = r.rows[0];
      assert.equal(hours, 720);
      assert.equal(last.getTime(), Math.floor(now / HOUR) * HOUR);
      assert.equal(last.getTime() - first.getTime(), 719 * HOUR);
      const ranges = await db.query<{ ok: boolean }>(
        `select bool_and(ia_efficiency between 0.85 and 0.99 and error_rate between 0.01 and 0.05)
                  as ok from metrics where dashboard_id = $1`,
        [SEED_DASHBOARD_ID],
      );
      assert.equal(ranges.rows[0].ok, true, "seed 003's sample ranges");
    });

    await t.step("second run, an hour later: still exactly 720, nothing else added", async () => {
      const before = await counts();
      await seedSampleData(db, now + HOUR);
      const after = await counts();
      assert.deepEqual(after, before);
      assert.equal(after.metrics, 720);
    });
  } finally {
    await db.close();
  }
});
