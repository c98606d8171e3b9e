// Every role against every CRM/ERP resource on both profiles: each action a resource's routes
// declare (list, read, create, update, delete, and the extras: marking a notification read, an
// agent's runs and budget) is tried by admin, diretor, comercial, agente_ia, cliente, a signed-in
// user with no role and a caller with no token, and must answer exactly as MATRIX says: the
// action's success status, or 403 problem+json (401 without a token). MATRIX is written out by
// hand from the role JSON of sql/0009_reference_data (seed 004), 0011_crm_permissions and
// 0012_agent_runs_permissions and the table -> permission resource map in README ("Permissions"),
// not computed from the app's permission code, so a wrong grant in a migration or a wrong route
// declaration fails here. Dashboards are left to tests/dashboards. Also: the matrix covers every
// route of these resources, and README's generated permission map matches the live route table.
import assert from "node:assert/strict";
import { apiTest, createUser, type TestApi, type TestUser } from "../support/api.ts";
import { assertProblem, login, register } from "../auth/helpers.ts";
import { Fixtures, tag } from "./fixtures.ts";
import {
  normalizeMap,
  readmeMap,
  renderPermissionMap,
  roleGrants,
} from "../../scripts/permission_map.ts";

type Row = Record<string, unknown>;

const CALLERS = ["admin", "diretor", "comercial", "agente_ia", "cliente", "none"] as const;
type Caller = typeof CALLERS[number];
const OPS = ["list", "read", "create", "update", "mark_read", "delete"] as const;
type Op = typeof OPS[number];

// Y: allowed (the action's success status); -: 403 problem+json.
//
// Role JSON (0009 = seed 004; 0011 and 0012 add keys):
//   admin      {"all": true}
//   diretor    dashboard, reports, finance, projects, agents (all); 0011: invoices (all),
//              contracts {read}, contacts {read}
//   comercial  leads, deals, contacts (all), content {read}; 0011: contracts (all)
//   agente_ia  leads {read, create}, content {create}, agents {read};
//              0012: agent_logs {create, read}
//   cliente    projects {read}, invoices {read}, contracts {read}
//   none       (self-registered, no role) nothing but "user" routes
// Table -> permission resource: companies, contacts -> contacts; leads, lead interactions ->
// leads; pipeline stages, deals -> deals; contracts -> contracts; projects, sprints, tasks,
// equipment -> projects; invoices -> invoices; payments, expenses, suppliers, budgets -> finance;
// content pieces, social posts -> content; agents (CRUD; runs' list, run and budget) -> agents;
// recording a run -> agent_logs {create}; notifications: the caller's own ("user"), creating one
// (for any user) -> notifications {create}; audit logs -> audit {read}.
// cliente is company-scoped: its Y cells (contracts, projects, sprints, tasks, invoices: read)
// reach only rows of its companies (tests/crm/scope_audit_test.ts checks the cut-off; here the
// cliente is linked to the fixtures' company), and equipment, granted by projects {read} but with
// no way to a company, is refused with 403 by the scope, not the guard.
const MATRIX = `
resource           action     admin diretor comercial agente_ia cliente none
companies          list       Y     Y       Y         -         -       -
companies          read       Y     Y       Y         -         -       -
companies          create     Y     -       Y         -         -       -
companies          update     Y     -       Y         -         -       -
companies          delete     Y     -       Y         -         -       -
contacts           list       Y     Y       Y         -         -       -
contacts           read       Y     Y       Y         -         -       -
contacts           create     Y     -       Y         -         -       -
contacts           update     Y     -       Y         -         -       -
contacts           delete     Y     -       Y         -         -       -
leads              list       Y     -       Y         Y         -       -
leads              read       Y     -       Y         Y         -       -
leads              create     Y     -       Y         Y         -       -
leads              update     Y     -       Y         -         -       -
leads              delete     Y     -       Y         -         -       -
lead-interactions  list       Y     -       Y         Y         -       -
lead-interactions  read       Y     -       Y         Y         -       -
lead-interactions  create     Y     -       Y         Y         -       -
lead-interactions  update     Y     -       Y         -         -       -
lead-interactions  delete     Y     -       Y         -         -       -
pipeline-stages    list       Y     -       Y         -         -       -
pipeline-stages    read       Y     -       Y         -         -       -
pipeline-stages    create     Y     -       Y         -         -       -
pipeline-stages    update     Y     -       Y         -         -       -
pipeline-stages    delete     Y     -       Y         -         -       -
deals              list       Y     -       Y         -         -       -
deals              read       Y     -       Y         -         -       -
deals              create     Y     -       Y         -         -       -
deals              update     Y     -       Y         -         -       -
deals              delete     Y     -       Y         -         -       -
contracts          list       Y     Y       Y         -         Y       -
contracts          read       Y     Y       Y         -         Y       -
contracts          create     Y     -       Y         -         -       -
contracts          update     Y     -       Y         -         -       -
contracts          delete     Y     -       Y         -         -       -
projects           list       Y     Y       -         -         Y       -
projects           read       Y     Y       -         -         Y       -
projects           create     Y     Y       -         -         -       -
projects           update     Y     Y       -         -         -       -
projects           delete     Y     Y       -         -         -       -
sprints            list       Y     Y       -         -         Y       -
sprints            read       Y     Y       -         -         Y       -
sprints            create     Y     Y       -         -         -       -
sprints            update     Y     Y       -         -         -       -
sprints            delete     Y     Y       -         -         -       -
tasks              list       Y     Y       -         -         Y       -
tasks              read       Y     Y       -         -         Y       -
tasks              create     Y     Y       -         -         -       -
tasks              update     Y     Y       -         -         -       -
tasks              delete     Y     Y       -         -         -       -
equipment          list       Y     Y       -         -         -       -
equipment          read       Y     Y       -         -         -       -
equipment          create     Y     Y       -         -         -       -
equipment          update     Y     Y       -         -         -       -
equipment          delete     Y     Y       -         -         -       -
invoices           list       Y     Y       -         -         Y       -
invoices           read       Y     Y       -         -         Y       -
invoices           create     Y     Y       -         -         -       -
invoices           update     Y     Y       -         -         -       -
invoices           delete     Y     Y       -         -         -       -
payments           list       Y     Y       -         -         -       -
payments           read       Y     Y       -         -         -       -
payments           create     Y     Y       -         -         -       -
payments           update     Y     Y       -         -         -       -
payments           delete     Y     Y       -         -         -       -
expenses           list       Y     Y       -         -         -       -
expenses           read       Y     Y       -         -         -       -
expenses           create     Y     Y       -         -         -       -
expenses           update     Y     Y       -         -         -       -
expenses           delete     Y     Y       -         -         -       -
suppliers          list       Y     Y       -         -         -       -
suppliers          read       Y     Y       -         -         -       -
suppliers          create     Y     Y       -         -         -       -
suppliers          update     Y     Y       -         -         -       -
suppliers          delete     Y     Y       -         -         -       -
budgets            list       Y     Y       -         -         -       -
budgets            read       Y     Y       -         -         -       -
budgets            create     Y     Y       -         -         -       -
budgets            update     Y     Y       -         -         -       -
budgets            delete     Y     Y       -         -         -       -
content-pieces     list       Y     -       Y         -         -       -
content-pieces     read       Y     -       Y         -         -       -
content-pieces     create     Y     -       -         Y         -       -
content-pieces     update     Y     -       -         -         -       -
content-pieces     delete     Y     -       -         -         -       -
social-posts       list       Y     -       Y         -         -       -
social-posts       read       Y     -       Y         -         -       -
social-posts       create     Y     -       -         Y         -       -
social-posts       update     Y     -       -         -         -       -
social-posts       delete     Y     -       -         -         -       -
agents             list       Y     Y       -         Y         -       -
agents             read       Y     Y       -         Y         -       -
agents             create     Y     Y       -         -         -       -
agents             update     Y     Y       -         -         -       -
agents             delete     Y     Y       -         -         -       -
agent-logs         list       Y     Y       -         Y         -       -
agent-logs         read       Y     Y       -         Y         -       -
agent-logs         create     Y     -       -         Y         -       -
agent-budget       read       Y     Y       -         Y         -       -
notifications      list       Y     Y       Y         Y         Y       Y
notifications      read       Y     Y       Y         Y         Y       Y
notifications      create     Y     -       -         -         -       -
notifications      update     Y     Y       Y         Y         Y       Y
notifications      mark_read  Y     Y       Y         Y         Y       Y
notifications      delete     Y     Y       Y         Y         Y       Y
audit-logs         list       Y     -       -         -         -       -
audit-logs         read       Y     -       -         -         -       -
`;

/** resource -> action -> caller -> allowed, in MATRIX order. */
function parseMatrix(text: string): Map<string, Map<Op, Record<Caller, boolean>>> {
  const out = new Map<string, Map<Op, Record<Caller, boolean>>>();
  const lines = text.trim().split("\n").slice(1);
  for (const line of lines) {
    const [resource, action, ...cells] = line.trim().split(/\s+/);
    assert.ok((OPS as readonly string[]).includes(action), `MATRIX: unknown action in ${line}`);
    assert.equal(cells.length, CALLERS.length, `MATRIX: ${line}`);
    assert.ok(cells.every((c) => c === "Y" || c === "-"), `MATRIX: ${line}`);
    const ops = out.get(resource) ?? new Map();
    assert.ok(!ops.has(action as Op), `MATRIX: ${resource} ${action} twice`);
    ops.set(
      action as Op,
      Object.fromEntries(CALLERS.map((c, i) => [c, cells[i] === "Y"])) as Record<Caller, boolean>,
    );
    out.set(resource, ops);
  }
  return out;
}

const EXPECTED = parseMatrix(MATRIX);

/** What the callers act on: built once per profile, as admin. */
interface Subject {
  /** Collection URL under /api/v1. */
  collection: string;
  /** Id of the row `who` reads, updates and marks read. */
  item: (who: Caller) => string;
  /** A valid create body (fresh unique values each call). */
  body?: () => Row;
  patch?: Row;
  /** A fresh row for `who` to delete. */
  victim?: (who: Caller) => Promise<string>;
}

interface World {
  api: TestApi;
  fx: Fixtures;
  admin: TestUser;
  users: Record<Caller, TestUser>;
  /** The cliente's company: company-linked fixtures belong to it. */
  company: string;
  /** The fixture project (of `company`). */
  project: string;
}

interface Case {
  /** MATRIX resource name. */
  name: string;
  /** Collection route under /api/v1 in Hono syntax, e.g. "/leads/:id/interactions". */
  route: string;
  /** Item path parameter (default "id"). */
  idParam?: string;
  /** One object, read by GET on the route itself (the agent's budget). */
  singleton?: boolean;
  setup: (w: World) => Promise<Subject>;
}

const id = (row: Row) => String(row.id);
const same = (rowId: string) => () => rowId;

const CASES: Case[] = [
  {
    name: "companies",
    route: "/companies",
    setup: async ({ fx }) => ({
      collection: "companies",
      item: same(id(await fx.company())),
      body: () => ({ name: `Co ${tag()}`, size: "media" }),
      patch: { notes: "updated" },
      victim: async () => id(await fx.company()),
    }),
  },
  {
    name: "contacts",
    route: "/contacts",
    setup: async ({ fx, company }) => ({
      collection: "contacts",
      item: same(id(await fx.contact({ company_id: company }))),
      body: () => ({ full_name: `Ana ${tag()}`, company_id: company, email: `${tag()}@ex.com` }),
      patch: { job_title: "CEO" },
      victim: async () => id(await fx.contact({ company_id: company })),
    }),
  },
  {
    name: "leads",
    route: "/leads",
    setup: async ({ fx, company }) => ({
      collection: "leads",
      item: same(id(await fx.lead({ company_id: company }))),
      body: () => ({ source: `src-${tag()}`, score: 70, company_id: company }),
      patch: { score: 90 },
      victim: async () => id(await fx.lead({ company_id: company })),
    }),
  },
  {
    name: "lead-interactions",
    route: "/leads/:id/interactions",
    idParam: "interaction_id",
    setup: async ({ fx, company }) => {
      const collection = `leads/${id(await fx.lead({ company_id: company }))}/interactions`;
      const body = () => ({ interaction_type: "call", channel: "phone", direction: "outbound" });
      return {
        collection,
        item: same(id(await fx.post(collection, body()))),
        body,
        patch: { subject: "Follow-up" },
        victim: async () => id(await fx.post(collection, body())),
      };
    },
  },
  {
    name: "pipeline-stages",
    route: "/pipeline-stages",
    setup: async ({ fx }) => ({
      collection: "pipeline-stages",
      item: same(id(await fx.stage())),
      body: () => {
        const t = tag();
        return { name: `Stage ${t}`, slug: `s-${t}`, sort_order: 60 };
      },
      patch: { probability: 55 },
      victim: async () => id(await fx.stage()),
    }),
  },
  {
    name: "deals",
    route: "/deals",
    setup: async ({ fx, company }) => {
      const stage_id = id(await fx.stage());
      return {
        collection: "deals",
        item: same(id(await fx.deal({ stage_id, company_id: company }))),
        body: () => ({ title: `Deal ${tag()}`, stage_id, company_id: company, value: 1500.5 }),
        patch: { value: 2000 },
        victim: async () => id(await fx.deal({ stage_id, company_id: company })),
      };
    },
  },
  {
    name: "contracts",
    route: "/contracts",
    setup: async ({ fx, company }) => ({
      collection: "contracts",
      item: same(id(await fx.contract({ company_id: company }))),
      body: () => ({
        contract_number: `C-${tag()}`,
        company_id: company,
        title: "Brand film",
        total_value: 5000,
      }),
      patch: { signed_by: "Ana" },
      victim: async () => id(await fx.contract({ company_id: company })),
    }),
  },
  {
    name: "projects",
    route: "/projects",
    setup: ({ fx, company, project }) =>
      Promise.resolve({
        collection: "projects",
        item: same(project),
        body: () => ({ name: `Project ${tag()}`, company_id: company }),
        patch: { progress: 45 },
        victim: async () => id(await fx.project({ company_id: company })),
      }),
  },
  {
    name: "sprints",
    route: "/sprints",
    setup: async ({ fx, project }) => ({
      collection: "sprints",
      item: same(id(await fx.sprint({ project_id: project }))),
      body: () => ({
        project_id: project,
        name: `Sprint ${tag()}`,
        start_date: "2026-01-05",
        end_date: "2026-01-19",
      }),
      patch: { status: "active" },
      victim: async () => id(await fx.sprint({ project_id: project })),
    }),
  },
  {
    name: "tasks",
    route: "/tasks",
    setup: async ({ fx, project }) => ({
      collection: "tasks",
      item: same(id(await fx.task({ project_id: project }))),
      body: () => ({ project_id: project, title: `Task ${tag()}`, priority: "high" }),
      patch: { actual_hours: 5.25 },
      victim: async () => id(await fx.task({ project_id: project })),
    }),
  },
  {
    name: "equipment",
    route: "/equipment",
    setup: async ({ fx }) => ({
      collection: "equipment",
      item: same(id(await fx.equipment())),
      body: () => ({ name: `Cam ${tag()}`, category: "camera", daily_rate: 150 }),
      patch: { is_available: false },
      victim: async () => id(await fx.equipment()),
    }),
  },
  {
    name: "invoices",
    route: "/invoices",
    setup: async ({ fx, company }) => ({
      collection: "invoices",
      item: same(id(await fx.invoice({ company_id: company }))),
      body: () => ({
        invoice_number: `I-${tag()}`,
        company_id: company,
        subtotal: 100,
        total: 100,
        due_date: "2026-02-01",
      }),
      patch: { status: "sent" },
      victim: async () => id(await fx.invoice({ company_id: company })),
    }),
  },
  {
    name: "payments",
    route: "/payments",
    setup: async ({ fx, company }) => {
      const invoice_id = id(await fx.invoice({ company_id: company }));
      return {
        collection: "payments",
        item: same(id(await fx.payment({ invoice_id }))),
        body: () => ({ invoice_id, amount: 20, method: "boleto" }),
        patch: { gateway: "bank" },
        victim: async () => id(await fx.payment({ invoice_id })),
      };
    },
  },
  {
    name: "expenses",
    route: "/expenses",
    setup: async ({ fx }) => ({
      collection: "expenses",
      item: same(id(await fx.expense())),
      body: () => ({
        category: "catering",
        description: "Lunch for the crew",
        amount: 320.4,
        expense_date: "2026-01-12",
      }),
      patch: { status: "approved" },
      victim: async () => id(await fx.expense()),
    }),
  },
  {
    name: "suppliers",
    route: "/suppliers",
    setup: async ({ fx }) => ({
      collection: "suppliers",
      item: same(id(await fx.supplier())),
      body: () => ({ name: `Sup ${tag()}`, rating: 4.5 }),
      patch: { rating: 3.25 },
      victim: async () => id(await fx.supplier()),
    }),
  },
  {
    name: "budgets",
    route: "/budgets",
    setup: async ({ fx, company }) => ({
      collection: "budgets",
      item: same(id(await fx.budget({ company_id: company }))),
      body: () => ({ company_id: company, title: `Budget ${tag()}`, subtotal: 900, total: 1000 }),
      patch: { status: "approved" },
      victim: async () => id(await fx.budget({ company_id: company })),
    }),
  },
  {
    name: "content-pieces",
    route: "/content-pieces",
    setup: async ({ fx }) => ({
      collection: "content-pieces",
      item: same(id(await fx.contentPiece())),
      body: () => ({ title: `Post ${tag()}`, content_type: "linkedin_post", body: "Our reel" }),
      patch: { status: "review" },
      victim: async () => id(await fx.contentPiece()),
    }),
  },
  {
    name: "social-posts",
    route: "/social-posts",
    setup: async ({ fx }) => {
      const content_piece_id = id(await fx.contentPiece());
      return {
        collection: "social-posts",
        item: same(id(await fx.socialPost({ content_piece_id }))),
        body: () => ({ content_piece_id, platform: "instagram", likes: 10 }),
        patch: { likes: 20 },
        victim: async () => id(await fx.socialPost({ content_piece_id })),
      };
    },
  },
  {
    name: "agents",
    route: "/agents",
    setup: async ({ fx }) => ({
      collection: "agents",
      item: same(id(await fx.agent())),
      body: () => {
        const t = tag();
        return { name: `Agent ${t}`, slug: `a-${t}`, crew: "sales", model_primary: "m1" };
      },
      patch: { description: "updated" },
      victim: async () => id(await fx.agent()),
    }),
  },
  {
    name: "agent-logs",
    route: "/agents/:id/logs",
    idParam: "log_id",
    setup: async ({ api, fx, users }) => {
      // agente_ia records only for the agent it is the service account of (agents.user_id).
      const agent = id(await fx.agent());
      await api.stores.relational.query("update agents set user_id = $1 where id = $2", [
        users.agente_ia.id,
        agent,
      ]);
      const collection = `agents/${agent}/logs`;
      const body = () => ({ action: `matrix.${tag()}`, tokens_input: 3, tokens_output: 2 });
      return { collection, item: same(id(await fx.post(collection, body()))), body };
    },
  },
  {
    name: "agent-budget",
    route: "/agents/:id/budget",
    singleton: true,
    setup: async ({ fx }) => ({
      collection: `agents/${id(await fx.agent())}/budget`,
      item: same(""),
    }),
  },
  {
    name: "notifications",
    route: "/notifications",
    setup: async ({ fx, users }) => {
      const send = async (who: Caller) =>
        id(
          await fx.post("notifications", {
            user_id: users[who].id,
            type: "info",
            title: `Hello ${tag()}`,
            message: "Your report is ready",
          }),
        );
      // Each caller reads, updates and marks read their own (another user's answers 404).
      const own = Object.fromEntries(
        await Promise.all(CALLERS.map(async (who) => [who, await send(who)] as const)),
      ) as Record<Caller, string>;
      return {
        collection: "notifications",
        item: (who) => own[who],
        body: () => ({
          user_id: users.none.id,
          type: "warning",
          title: `Note ${tag()}`,
          message: "Sent by someone else",
        }),
        patch: { is_read: true },
        victim: send,
      };
    },
  },
  {
    name: "audit-logs",
    route: "/audit-logs",
    setup: async ({ api, company }) => {
      const r = await api.stores.relational.query<{ id: string }>(
        "select id from audit_logs where resource_id = $1 limit 1",
        [company],
      );
      return { collection: "audit-logs", item: same(r.rows[0].id) };
    },
  },
];

/** The HTTP request of `op` on `c`, and the status it answers when allowed. */
interface Attempt {
  method: string;
  path: string;
  key: string;
  body?: Row;
  ok: number;
}

function attempt(c: Case, s: Subject, op: Op, itemId: string): Attempt {
  const base = `/api/v1/${s.collection}`;
  const route = `/api/v1${c.route}`;
  const itemRoute = `${route}/:${c.idParam ?? "id"}`;
  switch (op) {
    case "list":
      return { method: "GET", path: base, key: `GET ${route}`, ok: 200 };
    case "read":
      return c.singleton
        ? { method: "GET", path: base, key: `GET ${route}`, ok: 200 }
        : { method: "GET", path: `${base}/${itemId}`, key: `GET ${itemRoute}`, ok: 200 };
    case "create":
      return { method: "POST", path: base, key: `POST ${route}`, body: s.body?.(), ok: 201 };
    case "update":
      return {
        method: "PATCH",
        path: `${base}/${itemId}`,
        key: `PATCH ${itemRoute}`,
        body: s.patch,
        ok: 200,
      };
    case "mark_read":
      return {
        method: "POST",
        path: `${base}/${itemId}/read`,
        key: `POST ${itemRoute}/read`,
        ok: 200,
      };
    case "delete":
      return { method: "DELETE", path: `${base}/${itemId}`, key: `DELETE ${itemRoute}`, ok: 204 };
  }
}

/** Runs `fns` with at most `limit` at a time. */
async function pool<T>(limit: number, fns: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(fns.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, fns.length) }, async () => {
      while (next < fns.length) {
        const i = next++;
        out[i] = await fns[i]();
      }
    }),
  );
  return out;
}

/** Null when `res` is the expected answer, else what went wrong. */
async function verdict(res: Response, expected: number): Promise<string | null> {
  if (expected === 403 || expected === 401) {
    try {
      await assertProblem(res, expected, expected === 403 ? "forbidden" : "unauthorized");
      return null;
    } catch (e) {
      return e instanceof Error ? e.message.split("\n")[0] : String(e);
    }
  }
  const text = await res.text();
  return res.status === expected ? null : `${res.status}: ${text.slice(0, 200)}`;
}

/** Callers in parallel, each caller's actions in order: at most CALLERS.length requests at once. */
const CONCURRENCY = CALLERS.length;

apiTest("crm: every role against every resource and action (role matrix)", async (t, api) => {
  const exercised = new Set<string>();

  // Signed in once each: four roles and admin (the cliente linked to the fixtures' company), and a
  // self-registered account, which has no role, through register and login.
  const admin = await createUser(api, { roles: ["admin"] });
  const fx = new Fixtures(api, admin.token);
  const company = id(await fx.company());
  const project = id(await fx.project({ company_id: company }));
  const reg = await register(api);
  const none: TestUser = { ...reg, token: (await login(api, reg.email)).access_token };
  const users = {
    admin,
    none,
    ...Object.fromEntries(
      await Promise.all(
        (["diretor", "comercial", "agente_ia", "cliente"] as const).map(async (role) =>
          [
            role,
            await createUser(api, {
              roles: [role],
              companyIds: role === "cliente" ? [company] : [],
            }),
          ] as const
        ),
      ),
    ),
  } as Record<Caller, TestUser>;
  const world: World = { api, fx, admin, users, company, project };

  await t.step("MATRIX names exactly the resources with cases", () => {
    assert.deepEqual([...EXPECTED.keys()], CASES.map((c) => c.name));
  });

  for (const c of CASES) {
    await t.step(c.name, async () => {
      const s = await c.setup(world);
      const expected = EXPECTED.get(c.name);
      assert.ok(expected, `MATRIX has no rows for ${c.name}`);
      // A row nobody may delete, for the callers refused delete (a wrong allow would remove it).
      const decoy = expected.has("delete") ? await s.victim!("admin") : "";
      const failures: string[] = [];

      await pool(
        CONCURRENCY,
        CALLERS.map((who) => async () => {
          for (const [op, allowed] of expected) {
            const target = op === "delete"
              ? (allowed[who] ? await s.victim!(who) : decoy)
              : s.item(who);
            const a = attempt(c, s, op, target);
            exercised.add(a.key);
            const res = await api.request(a.method, a.path, {
              token: users[who].token,
              body: a.body,
            });
            const want = allowed[who] ? a.ok : 403;
            const why = await verdict(res, want);
            if (why) failures.push(`${who} ${op} ${a.method} ${a.path}: want ${want}, got ${why}`);
          }
        }),
      );

      // No token: 401 on every route of the resource.
      for (const op of expected.keys()) {
        const a = attempt(c, s, op, op === "delete" ? decoy : s.item("admin"));
        const why = await verdict(await api.request(a.method, a.path, { body: a.body }), 401);
        if (why) failures.push(`no token ${op} ${a.method} ${a.path}: want 401, got ${why}`);
      }

      assert.equal(failures.length, 0, `\n${failures.sort().join("\n")}`);
    });
  }

  await t.step("the matrix covers every route of these resources", () => {
    const segments = new Set(CASES.map((c) => c.route.split("/")[1]));
    const live = Object.keys(api.app.permissions).filter((key) => {
      const m = key.match(/^[A-Z]+ \/api\/v1\/([^/]+)/);
      return m !== null && segments.has(m[1]);
    });
    assert.deepEqual([...exercised].sort(), live.sort());
  });

  if (api.profile === "embedded") {
    await t.step("README's permission map matches the route table and role JSON", async () => {
      const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
      const live = renderPermissionMap(
        api.app.permissions,
        await roleGrants(api.stores.relational),
      );
      assert.deepEqual(
        normalizeMap(readmeMap(readme)),
        normalizeMap(live),
        "README.md is stale: run deno run -A scripts/permission_map.ts --write",
      );
    });
  }
});
