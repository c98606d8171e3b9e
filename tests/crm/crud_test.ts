// Table-driven CRUD over every CRM/ERP resource on both profiles: create (201, Location, ETag, one
// audit row), list with a filter walked two rows at a time, read, update with the current ETag
// (200) and a stale one (412), delete (stale 412, then 204), 404 afterwards, one audit row per
// mutation, and one role allowed and one refused per resource (every role against every action is
// tests/crm/role_matrix_test.ts).
import assert from "node:assert/strict";
import { apiTest, createUser, json, type TestApi, type TestUser } from "../support/api.ts";
import { auditCount, Fixtures, tag, walk } from "./fixtures.ts";

type Row = Record<string, unknown>;
type RoleName = "diretor" | "comercial" | "agente_ia" | "cliente";

interface Setup {
  /** Collection path under /api/v1. */
  collection: string;
  /** Query string selecting exactly the rows this case creates. */
  filter: string;
  body: () => Row;
  patch: Row;
}

interface Case {
  name: string;
  setup: (fx: Fixtures) => Promise<Setup>;
  allow: { role: RoleName; op: "list" | "create" };
  deny: { role: RoleName; op: "list" | "create" };
}

const CASES: Case[] = [
  {
    name: "companies",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "companies",
        filter: `segment=${t}`,
        body: () => ({
          name: `Co ${tag()}`,
          segment: t,
          size: "media",
          website: "https://a.example",
        }),
        patch: { notes: "updated", size: "grande" },
      });
    },
    allow: { role: "comercial", op: "create" },
    deny: { role: "agente_ia", op: "list" },
  },
  {
    name: "contacts",
    setup: async (fx) => {
      const c = await fx.company();
      return {
        collection: "contacts",
        filter: `company_id=${c.id}`,
        body: () => ({
          full_name: `Ana ${tag()}`,
          company_id: c.id,
          email: `${tag()}@example.com`,
          is_decision_maker: true,
        }),
        patch: { job_title: "CEO" },
      };
    },
    allow: { role: "diretor", op: "list" },
    deny: { role: "diretor", op: "create" },
  },
  {
    name: "leads",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "leads",
        filter: `source=${t}`,
        body: () => ({ source: t, score: 70, temperature: "hot", metadata: { utm: "x" } }),
        patch: { status: "qualified", score: 90 },
      });
    },
    allow: { role: "agente_ia", op: "create" },
    deny: { role: "diretor", op: "list" },
  },
  {
    name: "lead interactions",
    setup: async (fx) => {
      const lead = await fx.lead();
      return {
        collection: `leads/${lead.id}/interactions`,
        filter: "interaction_type=call",
        body: () => ({ interaction_type: "call", channel: "phone", direction: "outbound" }),
        patch: { subject: "Follow-up" },
      };
    },
    allow: { role: "agente_ia", op: "create" },
    deny: { role: "cliente", op: "list" },
  },
  {
    name: "pipeline-stages",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "pipeline-stages",
        filter: `name=Stage%20${t}`,
        body: () => ({
          name: `Stage ${t}`,
          slug: `s-${tag()}`,
          sort_order: 60,
          probability: 40,
          color: "#112233",
        }),
        patch: { probability: 55 },
      });
    },
    allow: { role: "comercial", op: "create" },
    deny: { role: "diretor", op: "list" },
  },
  {
    name: "deals",
    setup: async (fx) => {
      const stage = await fx.stage();
      return {
        collection: "deals",
        filter: `stage_id=${stage.id}`,
        body: () => ({
          title: `Deal ${tag()}`,
          stage_id: stage.id,
          value: 1500.5,
          currency: "BRL",
          expected_close_date: "2026-03-01",
        }),
        patch: { status: "won", actual_close_date: "2026-02-20" },
      };
    },
    allow: { role: "comercial", op: "create" },
    deny: { role: "agente_ia", op: "list" },
  },
  {
    name: "contracts",
    setup: async (fx) => {
      const c = await fx.company();
      return {
        collection: "contracts",
        filter: `company_id=${c.id}`,
        body: () => ({
          contract_number: `C-${tag()}`,
          company_id: c.id,
          title: "Brand film",
          total_value: 5000,
        }),
        patch: { status: "signed", signed_by: "Ana" },
      };
    },
    allow: { role: "comercial", op: "create" },
    deny: { role: "diretor", op: "create" },
  },
  {
    name: "projects",
    setup: async (fx) => {
      const c = await fx.company();
      return {
        collection: "projects",
        filter: `company_id=${c.id}`,
        body: () => ({
          name: `Project ${tag()}`,
          company_id: c.id,
          progress: 10,
          deadline: "2026-06-30",
        }),
        patch: { progress: 45, status: "in_production" },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "comercial", op: "list" },
  },
  {
    name: "sprints",
    setup: async (fx) => {
      const p = await fx.project();
      return {
        collection: "sprints",
        filter: `project_id=${p.id}`,
        body: () => ({
          project_id: p.id,
          name: `Sprint ${tag()}`,
          start_date: "2026-01-05",
          end_date: "2026-01-19",
        }),
        patch: { status: "active" },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "comercial", op: "list" },
  },
  {
    name: "tasks",
    setup: async (fx) => {
      const p = await fx.project();
      return {
        collection: "tasks",
        filter: `project_id=${p.id}`,
        body: () => ({
          project_id: p.id,
          title: `Task ${tag()}`,
          tags: ["edit", "color"],
          priority: "high",
          estimated_hours: 4.5,
        }),
        patch: { status: "done", actual_hours: 5.25 },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "agente_ia", op: "list" },
  },
  {
    name: "equipment",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "equipment",
        filter: `category=${t}`,
        body: () => ({ name: `Cam ${tag()}`, category: t, daily_rate: 150, condition: "good" }),
        patch: { is_available: false },
      });
    },
    allow: { role: "diretor", op: "create" },
    // cliente holds projects.read, but the catalogue has no company, so it stays out of reach.
    deny: { role: "cliente", op: "list" },
  },
  {
    name: "invoices",
    setup: async (fx) => {
      const c = await fx.company();
      return {
        collection: "invoices",
        filter: `company_id=${c.id}`,
        body: () => ({
          invoice_number: `I-${tag()}`,
          company_id: c.id,
          subtotal: 100,
          tax_amount: 10,
          total: 110,
          due_date: "2026-02-01",
        }),
        patch: { status: "sent" },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "comercial", op: "list" },
  },
  {
    name: "payments",
    setup: async (fx) => {
      const inv = await fx.invoice();
      return {
        collection: "payments",
        filter: `invoice_id=${inv.id}`,
        body: () => ({ invoice_id: inv.id, amount: 20, method: "boleto" }),
        patch: { status: "confirmed", gateway: "bank" },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "cliente", op: "list" },
  },
  {
    name: "expenses",
    setup: async (fx) => {
      const s = await fx.supplier();
      return {
        collection: "expenses",
        filter: `supplier_id=${s.id}`,
        body: () => ({
          supplier_id: s.id,
          category: "catering",
          description: "Lunch for the crew",
          amount: 320.4,
          expense_date: "2026-01-12",
        }),
        patch: { status: "approved" },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "comercial", op: "list" },
  },
  {
    name: "suppliers",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "suppliers",
        filter: `category=${t}`,
        body: () => ({ name: `Sup ${tag()}`, category: t, rating: 4.5, email: "s@example.com" }),
        patch: { rating: 3.25 },
      });
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "comercial", op: "list" },
  },
  {
    name: "budgets",
    setup: async (fx) => {
      const c = await fx.company();
      return {
        collection: "budgets",
        filter: `company_id=${c.id}`,
        body: () => ({
          company_id: c.id,
          title: `Budget ${tag()}`,
          subtotal: 900,
          total: 1000,
          margin_percent: 25.5,
        }),
        patch: { status: "approved" },
      };
    },
    allow: { role: "diretor", op: "create" },
    deny: { role: "comercial", op: "list" },
  },
  {
    name: "content-pieces",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "content-pieces",
        filter: `platform=${t}`,
        body: () => ({
          title: `Post ${tag()}`,
          content_type: "linkedin_post",
          body: "Our new reel",
          platform: t,
          hashtags: ["#film"],
        }),
        patch: { status: "review" },
      });
    },
    allow: { role: "agente_ia", op: "create" },
    deny: { role: "agente_ia", op: "list" },
  },
  {
    name: "social-posts",
    setup: async (fx) => {
      const cp = await fx.contentPiece();
      return {
        collection: "social-posts",
        filter: `content_piece_id=${cp.id}`,
        body: () => ({ content_piece_id: cp.id, platform: "instagram", likes: 10 }),
        patch: { likes: 20, engagement_rate: 3.5 },
      };
    },
    allow: { role: "comercial", op: "list" },
    deny: { role: "comercial", op: "create" },
  },
  {
    name: "agents",
    setup: () => {
      const t = tag();
      return Promise.resolve({
        collection: "agents",
        filter: `crew=${t}`,
        body: () => ({ name: `Agent ${tag()}`, slug: `a-${tag()}`, crew: t, model_primary: "m1" }),
        patch: { status: "paused" },
      });
    },
    allow: { role: "agente_ia", op: "list" },
    deny: { role: "agente_ia", op: "create" },
  },
];

async function send(api: TestApi, method: string, path: string, token: string, opts: {
  body?: Row;
  ifMatch?: string;
} = {}) {
  const res = await api.request(method, `/api/v1/${path}`, {
    token,
    body: opts.body,
    headers: opts.ifMatch ? { "If-Match": opts.ifMatch } : {},
  });
  const body = res.status === 204 ? null : await json(res);
  return { res, body };
}

async function roleAttempt(
  api: TestApi,
  user: TestUser,
  op: "list" | "create",
  s: Setup,
): Promise<number> {
  const { res } = op === "list"
    ? await send(api, "GET", `${s.collection}?${s.filter}`, user.token)
    : await send(api, "POST", s.collection, user.token, { body: s.body() });
  return res.status;
}

apiTest("crm: CRUD, lists, ETags, audit and roles for every resource", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const fx = new Fixtures(api, admin.token);
  const users = Object.fromEntries(
    await Promise.all(
      (["diretor", "comercial", "agente_ia", "cliente"] as const).map(async (r) =>
        [r, await createUser(api, { roles: [r] })] as const
      ),
    ),
  ) as Record<RoleName, TestUser>;

  for (const c of CASES) {
    await t.step(c.name, async () => {
      const s = await c.setup(fx);

      // create
      const created: Row[] = [];
      for (let i = 0; i < 3; i++) {
        const body = s.body();
        const { res, body: row } = await send(api, "POST", s.collection, admin.token, { body });
        assert.equal(res.status, 201, JSON.stringify(row));
        const r = row as Row;
        assert.equal(res.headers.get("Location"), `/api/v1/${s.collection}/${r.id}`);
        assert.match(res.headers.get("ETag") ?? "", /^"[A-Za-z0-9_-]+"$/);
        for (const [k, v] of Object.entries(body)) assert.deepEqual(r[k], v, `${c.name}.${k}`);
        assert.equal(await auditCount(api, String(r.id)), 1, "one audit row for the create");
        created.push(r);
      }
      const ids = created.map((r) => String(r.id));

      // list: filter + cursor walk two at a time, each row exactly once
      const seen = await walk(api, admin.token, `/api/v1/${s.collection}?${s.filter}&limit=2`);
      assert.deepEqual([...seen].sort(), [...ids].sort());
      // A listed row (JSON written by Postgres) says what the create answered (the driver's row).
      const page = await send(api, "GET", `${s.collection}?${s.filter}`, admin.token);
      const listed = (page.body as { items: Row[] }).items;
      for (const row of created) {
        assert.deepEqual(listed.find((r) => r.id === row.id), row, `${c.name} listed`);
      }

      // read
      const first = ids[0];
      const read = await send(api, "GET", `${s.collection}/${first}`, admin.token);
      assert.equal(read.res.status, 200);
      assert.deepEqual(read.body, created[0]);
      const etag1 = read.res.headers.get("ETag") ?? "";
      assert.ok(etag1);

      // update with the current ETag
      const upd = await send(api, "PATCH", `${s.collection}/${first}`, admin.token, {
        body: s.patch,
        ifMatch: etag1,
      });
      assert.equal(upd.res.status, 200, JSON.stringify(upd.body));
      for (const [k, v] of Object.entries(s.patch)) assert.deepEqual((upd.body as Row)[k], v, k);
      const etag2 = upd.res.headers.get("ETag") ?? "";
      assert.ok(etag2 && etag2 !== etag1, "the ETag changes with the row");
      assert.equal(await auditCount(api, first), 2);

      // stale ETag: refused, nothing written
      const stale = await send(api, "PATCH", `${s.collection}/${first}`, admin.token, {
        body: s.patch,
        ifMatch: etag1,
      });
      assert.equal(stale.res.status, 412);
      const staleDelete = await send(api, "DELETE", `${s.collection}/${first}`, admin.token, {
        ifMatch: etag1,
      });
      assert.equal(staleDelete.res.status, 412);
      assert.equal(await auditCount(api, first), 2, "refused changes leave no audit row");

      // delete with the current ETag, then gone
      const del = await send(api, "DELETE", `${s.collection}/${first}`, admin.token, {
        ifMatch: etag2,
      });
      assert.equal(del.res.status, 204);
      assert.equal(await auditCount(api, first), 3);
      const gone = await send(api, "GET", `${s.collection}/${first}`, admin.token);
      assert.equal(gone.res.status, 404);
      const again = await send(api, "DELETE", `${s.collection}/${first}`, admin.token);
      assert.equal(again.res.status, 404);
      const rest = await walk(api, admin.token, `/api/v1/${s.collection}?${s.filter}&limit=2`);
      assert.deepEqual([...rest].sort(), ids.slice(1).sort());

      // roles
      assert.equal(
        await roleAttempt(api, users[c.allow.role], c.allow.op, s),
        c.allow.op === "create" ? 201 : 200,
        `${c.allow.role} may ${c.allow.op} ${c.name}`,
      );
      assert.equal(
        await roleAttempt(api, users[c.deny.role], c.deny.op, s),
        403,
        `${c.deny.role} may not ${c.deny.op} ${c.name}`,
      );
      const anon = await api.request("GET", `/api/v1/${s.collection}`);
      assert.equal(anon.status, 401);
    });
  }
});
