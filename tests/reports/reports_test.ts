// Reports on both profiles: figures equal sums computed here from known rows, every stage and
// month is listed, validation and permissions hold, and EXPLAIN shows the seed 004 index behind
// each report's exact SQL.
import assert from "node:assert/strict";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import {
  AGENT_COSTS_SQL,
  PIPELINE_SQL,
  REPORT_INDEXES,
  REVENUE_MONTHLY_SQL,
} from "../../src/reports/queries.ts";
import { explainAtVolume, indexFamily, planNodes, tableFamily } from "./explain.ts";

const DAY = 86_400_000;
const cents = (x: number) => Math.round(x * 100);
const tenThousandths = (x: number) => Math.round(x * 10_000);
const pick = <T>(xs: readonly T[], i: number) => xs[i % xs.length];

/** Pseudo-random integers below `max` from a seed (mulberry32), so a failure reproduces. */
function ints(seed: number) {
  let a = seed >>> 0;
  return (max: number) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

async function insertCompany(api: TestApi): Promise<string> {
  const r = await api.stores.relational.query<{ id: string }>(
    "insert into companies (name) values ($1) returning id",
    [`Reports Co ${crypto.randomUUID()}`],
  );
  return r.rows[0].id;
}

async function insertAgent(api: TestApi, label: string): Promise<string> {
  const u = crypto.randomUUID();
  const r = await api.stores.relational.query<{ id: string }>(
    `insert into agents (name, slug, crew, model_primary) values ($1, $2, 'reports', 'gpt-test')
     returning id`,
    [`${label} ${u}`, `${label.toLowerCase()}-${u}`],
  );
  return r.rows[0].id;
}

apiTest("reports: pipeline, monthly revenue and agent costs", async (t, api) => {
  const db = api.stores.relational;
  const diretor = await createUser(api, { roles: ["diretor"] });
  const admin = await createUser(api, { roles: ["admin"] });
  const comercial = await createUser(api, { roles: ["comercial"] });
  // A fresh seed per run (printed on failure): the server database keeps earlier runs' rows.
  const seed = crypto.getRandomValues(new Uint32Array(1))[0];
  const rnd = ints(seed);

  await t.step("permissions: diretor and admin read, comercial 403, anonymous 401", async () => {
    for (const path of ["/api/v1/reports/pipeline", "/api/v1/reports/agents/costs"]) {
      assert.equal((await api.request("GET", path, { token: diretor.token })).status, 200, path);
      assert.equal((await api.request("GET", path, { token: admin.token })).status, 200, path);
      const denied = await api.request("GET", path, { token: comercial.token });
      assert.equal(denied.status, 403, path);
      assert.equal(denied.headers.get("Content-Type"), "application/problem+json");
      assert.equal((await api.request("GET", path)).status, 401, path);
    }
    const revenue = "/api/v1/reports/revenue/monthly?from=2026-01-01&to=2026-02-01";
    assert.equal((await api.request("GET", revenue, { token: comercial.token })).status, 403);
    assert.equal((await api.request("GET", revenue, { token: diretor.token })).status, 200);
  });

  await t.step("pipeline: open deals per stage equal sums over the deals table", async () => {
    const stages = (await db.query<{ id: string }>(
      "select id from pipeline_stages order by sort_order, id",
    )).rows.map((s) => s.id);
    const companyId = await insertCompany(api);
    const statuses = ["open", "open", "open", "won", "lost"];
    for (let i = 0; i < 25; i++) {
      // Leave the last stage without deals of ours; it must still be listed.
      const stage = stages[i % (stages.length - 1)];
      await db.query(
        `insert into deals (title, company_id, stage_id, status, value, owned_by)
         values ($1, $2, $3, $4::deal_status, $5, $6)`,
        [`Deal ${i}`, companyId, stage, pick(statuses, i), (rnd(10_000_000) + 1) / 100, admin.id],
      );
    }
    const check = async () => {
      // Figures from raw rows, summed here: every deal with its status and value.
      const all = (await db.query<{ stage_id: string; status: string; value: number | null }>(
        "select stage_id, status::text as status, value from deals",
      )).rows;
      const res = await api.request("GET", "/api/v1/reports/pipeline", { token: diretor.token });
      return { all, res };
    };
    // On the shared server another run may add deals meanwhile: hold writers off (SHARE mode
    // lets reads through) while reading the rows and the report. PGlite serves one caller.
    const { all, res } = db.adapter === "pg"
      ? await db.transaction(async (tx) => {
        await tx.query("lock table deals in share mode");
        return await check();
      })
      : await check();
    const body = await json<{
      stages: { stage_id: string; sort_order: number; open_deals: number; open_value: number }[];
      total_open_deals: number;
      total_open_value: number;
    }>(res);
    assert.equal(res.status, 200);
    assert.deepEqual(body.stages.map((s) => s.stage_id), stages, "every stage, in board order");
    const open = all.filter((d) => d.status === "open");
    for (const s of body.stages) {
      const mine = open.filter((d) => d.stage_id === s.stage_id);
      assert.equal(s.open_deals, mine.length, `count of stage ${s.stage_id}`);
      assert.equal(
        cents(s.open_value),
        mine.reduce((a, d) => a + cents(Number(d.value ?? 0)), 0),
        `value of stage ${s.stage_id}`,
      );
    }
    assert.equal(body.total_open_deals, open.length);
    assert.equal(
      cents(body.total_open_value),
      open.reduce((a, d) => a + cents(Number(d.value ?? 0)), 0),
    );
    assert.ok(body.stages.some((s) => s.open_deals === 0) || open.length > 0);
  });

  await t.step("revenue: confirmed payments per month equal sums of known rows", async () => {
    // A year no other run uses, so the figures are exactly ours even on a shared database.
    const year = 2200 + rnd(700);
    const companyId = await insertCompany(api);
    const inv = await db.query<{ id: string }>(
      `insert into invoices (invoice_number, company_id, subtotal, total, due_date)
       values ($1, $2, 1, 1, $3) returning id`,
      [`R${crypto.randomUUID().slice(0, 18)}`, companyId, `${year}-01-31`],
    );
    const invoiceId = inv.rows[0].id;
    const payments: { amount: number; status: string; paid_at: Date | null }[] = [
      { amount: 100.1, status: "confirmed", paid_at: new Date(`${year}-01-01T00:00:00Z`) },
      { amount: 50.05, status: "confirmed", paid_at: new Date(`${year}-03-31T23:59:59.999Z`) },
      { amount: 10.01, status: "confirmed", paid_at: new Date(`${year}-06-30T23:59:59Z`) },
      { amount: 77, status: "confirmed", paid_at: new Date(`${year}-07-01T00:00:00Z`) },
      { amount: 33, status: "confirmed", paid_at: new Date(`${year - 1}-12-31T23:59:59Z`) },
      { amount: 999, status: "pending", paid_at: new Date(`${year}-01-20T10:00:00Z`) },
      { amount: 44, status: "failed", paid_at: new Date(`${year}-04-10T10:00:00Z`) },
      { amount: 12, status: "confirmed", paid_at: null },
    ];
    const statuses = ["confirmed", "confirmed", "pending", "failed", "refunded"];
    for (let i = 0; i < 40; i++) {
      // Spread over Jan to Aug, leaving May without confirmed payments of ours.
      let month = rnd(8);
      if (month === 4) month = 5;
      const day = 1 + rnd(28);
      payments.push({
        amount: (rnd(1_000_000) + 1) / 100,
        status: pick(statuses, rnd(100)),
        paid_at: new Date(Date.UTC(year, month, day, rnd(24), rnd(60), rnd(60))),
      });
    }
    for (const p of payments) {
      await db.query(
        `insert into payments (invoice_id, amount, method, status, paid_at)
         values ($1, $2, 'pix', $3::payment_status, $4)`,
        [invoiceId, p.amount, p.status, p.paid_at],
      );
    }
    const from = Date.UTC(year, 0, 1);
    const toEnd = Date.UTC(year, 6, 1); // the day after `to` (June 30)
    const expected = new Map<string, { c: number; n: number }>();
    for (let m = 1; m <= 6; m++) {
      expected.set(`${year}-${String(m).padStart(2, "0")}`, { c: 0, n: 0 });
    }
    for (const p of payments) {
      if (p.status !== "confirmed" || p.paid_at === null) continue;
      const ms = p.paid_at.getTime();
      if (ms < from || ms >= toEnd) continue;
      const e = expected.get(p.paid_at.toISOString().slice(0, 7))!;
      e.c += cents(p.amount);
      e.n += 1;
    }
    const res = await api.request(
      "GET",
      `/api/v1/reports/revenue/monthly?from=${year}-01-01&to=${year}-06-30`,
      { token: diretor.token },
    );
    const body = await json<{
      from: string;
      to: string;
      months: { month: string; total_received: number; payments: number }[];
      total_received: number;
      payments: number;
    }>(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.from, `${year}-01-01`);
    assert.equal(body.to, `${year}-06-30`);
    assert.deepEqual(
      body.months.map((m) => ({ month: m.month, c: cents(m.total_received), n: m.payments })),
      [...expected].map(([month, e]) => ({ month, c: e.c, n: e.n })),
      `seed ${seed}`,
    );
    assert.equal(
      body.months.find((m) => m.month === `${year}-05`)?.payments,
      0,
      "zero month listed",
    );
    const all = [...expected.values()];
    assert.equal(cents(body.total_received), all.reduce((a, e) => a + e.c, 0));
    assert.equal(body.payments, all.reduce((a, e) => a + e.n, 0));
  });

  await t.step("revenue: dates validated (422 with the field)", async () => {
    const cases: [string, string][] = [
      ["from=2026-03-01&to=2026-02-01", "to"],
      ["from=2020-01-01&to=2026-01-02", "to"],
      ["from=2026-02-30&to=2026-03-01", "from"],
      ["from=2026-01-01", "to"],
      ["from=yesterday&to=2026-01-01", "from"],
    ];
    for (const [qs, field] of cases) {
      const res = await api.request("GET", `/api/v1/reports/revenue/monthly?${qs}`, {
        token: diretor.token,
      });
      const body = await json<{ errors?: { path: string }[] }>(res);
      assert.equal(res.status, 422, qs);
      assert.ok(body.errors?.some((e) => e.path === field), `${qs}: ${JSON.stringify(body)}`);
    }
    const fiveYears = await api.request(
      "GET",
      "/api/v1/reports/revenue/monthly?from=2021-01-01&to=2025-12-31",
      { token: diretor.token },
    );
    assert.equal(fiveYears.status, 200);
    assert.equal((await json<{ months: unknown[] }>(fiveYears)).months.length, 60);
  });

  await t.step("agent costs: tokens and cost per agent for one UTC day", async () => {
    const day = Math.floor(Date.now() / DAY) * DAY;
    const a1 = await insertAgent(api, "Costs A");
    const a2 = await insertAgent(api, "Costs B");
    const a3 = await insertAgent(api, "Costs C");
    const logs: { agent: string; tin: number; tout: number; cost: number; at: number }[] = [
      { agent: a1, tin: 10, tout: 5, cost: 0.0101, at: day },
      { agent: a1, tin: 7, tout: 3, cost: 1.5, at: day + DAY - 1 },
      { agent: a1, tin: 1000, tout: 1000, cost: 9, at: day + DAY },
      { agent: a1, tin: 2000, tout: 2000, cost: 8, at: day - 1 },
      { agent: a3, tin: 50, tout: 50, cost: 2, at: day - DAY / 2 },
    ];
    for (let i = 0; i < 20; i++) {
      logs.push({
        agent: i % 3 === 0 ? a1 : a2,
        tin: rnd(5000),
        tout: rnd(3000),
        cost: rnd(100_000) / 10_000,
        at: day + rnd(DAY),
      });
    }
    for (const l of logs) {
      await db.query(
        `insert into agent_logs (agent_id, action, tokens_input, tokens_output, cost, created_at)
         values ($1, 'report.test', $2, $3, $4, $5)`,
        [l.agent, l.tin, l.tout, l.cost, new Date(l.at)],
      );
    }
    const date = new Date(day).toISOString().slice(0, 10);
    const res = await api.request("GET", `/api/v1/reports/agents/costs?date=${date}`, {
      token: diretor.token,
    });
    const body = await json<{
      date: string;
      agents: {
        agent_id: string;
        runs: number;
        tokens_input: number;
        tokens_output: number;
        tokens_total: number;
        cost: number;
      }[];
      totals: { runs: number; tokens_input: number; tokens_output: number; cost: number };
    }>(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.date, date);
    for (const agent of [a1, a2]) {
      const mine = logs.filter((l) => l.agent === agent && l.at >= day && l.at < day + DAY);
      const row = body.agents.find((a) => a.agent_id === agent);
      assert.ok(row, `agent ${agent} listed`);
      assert.equal(row.runs, mine.length);
      assert.equal(row.tokens_input, mine.reduce((a, l) => a + l.tin, 0));
      assert.equal(row.tokens_output, mine.reduce((a, l) => a + l.tout, 0));
      assert.equal(row.tokens_total, row.tokens_input + row.tokens_output);
      assert.equal(tenThousandths(row.cost), mine.reduce((a, l) => a + tenThousandths(l.cost), 0));
    }
    assert.equal(body.agents.find((a) => a.agent_id === a3), undefined, "no runs that day");
    assert.equal(body.totals.runs, body.agents.reduce((a, x) => a + x.runs, 0));
    const costs = body.agents.map((a) => a.cost);
    assert.deepEqual(costs, [...costs].sort((x, y) => y - x), "costliest first");

    const today = await api.request("GET", "/api/v1/reports/agents/costs", { token: admin.token });
    assert.equal((await json<{ date: string }>(today)).date, date, "defaults to today (UTC)");
    const bad = await api.request("GET", "/api/v1/reports/agents/costs?date=2026-13-01", {
      token: admin.token,
    });
    assert.equal(bad.status, 422);
  });

  await t.step("EXPLAIN: each report is answered from the seed 004 index", async () => {
    const day = Math.floor(Date.now() / DAY) * DAY;
    const owner = (await db.query<{ id: string }>("select id from users limit 1")).rows[0].id;
    // Volume shaped like years of use, inserted and analysed in a transaction that is rolled
    // back: 60k deals of which 1 in 25 is still open; 40k payments over six years; 40k agent runs
    // spread over this month's partition and the 30 days after (one day is about 3% of them).
    const volume = [
      `insert into deals (title, stage_id, status, owned_by, value)
       select 'volume ' || g,
              (array(select id from pipeline_stages order by sort_order))[1 + g % 7],
              (case when g % 25 = 0 then 'open' when g % 2 = 0 then 'won' else 'lost' end)
                ::deal_status,
              '${owner}', g % 5000
         from generate_series(1, 60000) g`,
      `insert into payments (invoice_id, amount, method, status, paid_at)
       select (select id from invoices limit 1), 10 + g % 900,
              (enum_range(null::payment_method))[1],
              (case when g % 10 = 0 then 'failed' else 'confirmed' end)::payment_status,
              timestamptz '2021-01-01' + (g * interval '1 hour' * 1.3)
         from generate_series(1, 40000) g`,
      `insert into agent_logs (agent_id, action, tokens_input, tokens_output, cost, created_at)
       select (select id from agents limit 1), 'volume', 100, 50, 0.01,
              date_trunc('month', now()) + (g * interval '1 minute' * 1.9)
         from generate_series(1, 40000) g`,
    ];
    const analyzed = ["deals", "payments", "agent_logs"];
    const cases = [
      { sql: PIPELINE_SQL, params: [], spec: REPORT_INDEXES.pipeline },
      {
        sql: REVENUE_MONTHLY_SQL,
        params: [new Date("2026-01-01T00:00:00Z"), new Date("2026-07-01T00:00:00Z")],
        spec: REPORT_INDEXES.revenueMonthly,
      },
      {
        sql: AGENT_COSTS_SQL,
        params: [new Date(day), new Date(day + DAY)],
        spec: REPORT_INDEXES.agentCosts,
      },
    ];
    const plans = await explainAtVolume(db, volume, analyzed, cases);
    for (const [i, { spec }] of cases.entries()) {
      const nodes = planNodes(plans[i]);
      const tables = await tableFamily(db, spec.table);
      const allowed = new Set<string>();
      for (const index of spec.indexes) {
        for (const n of await indexFamily(db, index)) allowed.add(n);
      }
      const scans = nodes.filter((n) => n["Relation Name"] && tables.has(n["Relation Name"]));
      const plan = JSON.stringify(
        nodes.map((n) => [n["Node Type"], n["Relation Name"], n["Index Name"]]),
      );
      assert.ok(scans.length > 0, `${spec.table} is read: ${plan}`);
      assert.ok(scans.every((n) => n["Node Type"] !== "Seq Scan"), `no seq scan: ${plan}`);
      assert.ok(
        nodes.some((n) => n["Index Name"] !== undefined && allowed.has(n["Index Name"])),
        `${spec.indexes.join(" or ")} used: ${plan}`,
      );
      if (spec.table === "agent_logs") {
        const partitions = new Set(scans.map((n) => n["Relation Name"]));
        assert.equal(partitions.size, 1, `one day reads one partition: ${plan}`);
      }
    }
  });
});
