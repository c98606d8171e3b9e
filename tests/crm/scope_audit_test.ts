// Who sees what, on both profiles: a cliente reaches only its companies' projects (and their
// sprints and tasks), invoices and contracts, and gets 404 for other companies' rows; the role JSON
// after migration 0011; notifications are their owner's; the audit trail records each change with
// actor, request id, user agent and client IP (the socket's, or a trusted proxy's
// X-Forwarded-For), names the agent behind an agent's service account, and only admin reads it;
// every generated route is documented in OpenAPI and listed in the permission table.
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { CRM_PERMISSIONS } from "../../src/crm/route_permissions.ts";
import { createLogger } from "../../src/log.ts";
import { crmRoutes } from "../../src/crm/routes.ts";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { auditCount, Fixtures, walk } from "./fixtures.ts";

type Row = Record<string, unknown>;

async function getRow(api: TestApi, token: string, path: string) {
  const res = await api.request("GET", `/api/v1/${path}`, { token });
  return { status: res.status, body: res.status === 200 ? await json(res) : null };
}

apiTest("crm: company scope, notifications, audit trail and route coverage", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const fx = new Fixtures(api, admin.token);

  await t.step("role JSON after 0011: seed grants kept, the needed ones added", async () => {
    const r = await api.stores.relational.query<{ name: string; permissions: Row }>(
      "select name::text as name, permissions from roles order by name",
    );
    const perms = Object.fromEntries(r.rows.map((x) => [x.name, x.permissions]));
    assert.deepEqual(perms.admin, { all: true });
    assert.equal(perms.diretor.finance, true);
    assert.equal(perms.diretor.invoices, true);
    assert.deepEqual(perms.diretor.contracts, { read: true });
    assert.deepEqual(perms.diretor.contacts, { read: true });
    assert.equal(perms.comercial.contracts, true);
    assert.deepEqual(perms.cliente, {
      projects: { read: true },
      invoices: { read: true },
      contracts: { read: true },
    });
  });

  await t.step("cliente: only its companies' projects, invoices and contracts", async () => {
    const mine = await fx.company();
    const theirs = await fx.company();
    const rows: Record<string, { mine: Row; theirs: Row }> = {};
    for (
      const [path, make] of [
        ["projects", (company_id: unknown) => fx.project({ company_id })],
        ["invoices", (company_id: unknown) => fx.invoice({ company_id })],
        ["contracts", (company_id: unknown) => fx.contract({ company_id })],
      ] as const
    ) {
      rows[path] = { mine: await make(mine.id), theirs: await make(theirs.id) };
    }
    const client = await createUser(api, { roles: ["cliente"], companyIds: [String(mine.id)] });

    for (const [path, { mine: m, theirs: o }] of Object.entries(rows)) {
      // Unfiltered walk: every row the client sees is of its company, its own row included.
      const res = await api.request("GET", `/api/v1/${path}?limit=200`, { token: client.token });
      const page = await json<{ items: Row[] }>(res);
      assert.equal(res.status, 200, path);
      assert.ok(page.items.length >= 1, path);
      assert.ok(page.items.every((r) => r.company_id === mine.id), path);
      assert.ok(page.items.some((r) => r.id === m.id), path);
      // Asking for the other company by filter finds nothing rather than leaking.
      const filtered = await api.request("GET", `/api/v1/${path}?company_id=${theirs.id}`, {
        token: client.token,
      });
      assert.deepEqual((await json<{ items: Row[] }>(filtered)).items, [], path);
      assert.equal((await getRow(api, client.token, `${path}/${m.id}`)).status, 200, path);
      assert.equal((await getRow(api, client.token, `${path}/${o.id}`)).status, 404, path);
      // The admin sees both.
      assert.equal((await getRow(api, admin.token, `${path}/${o.id}`)).status, 200, path);
      // Read only: writes are refused by the role JSON.
      const write = await api.request("PATCH", `/api/v1/${path}/${m.id}`, {
        token: client.token,
        body: { notes: "x" },
      });
      assert.equal(write.status, 403, path);
    }

    // Sprints and tasks come with projects.read; they follow their project's company.
    const mySprint = await fx.sprint({ project_id: rows.projects.mine.id });
    const theirSprint = await fx.sprint({ project_id: rows.projects.theirs.id });
    const myTask = await fx.task({ project_id: rows.projects.mine.id });
    const theirTask = await fx.task({ project_id: rows.projects.theirs.id });
    assert.equal((await getRow(api, client.token, `sprints/${mySprint.id}`)).status, 200);
    assert.equal((await getRow(api, client.token, `sprints/${theirSprint.id}`)).status, 404);
    assert.equal((await getRow(api, client.token, `tasks/${myTask.id}`)).status, 200);
    assert.equal((await getRow(api, client.token, `tasks/${theirTask.id}`)).status, 404);
    const theirTasks = await walk(
      api,
      client.token,
      `/api/v1/tasks?project_id=${rows.projects.theirs.id}&limit=2`,
    );
    assert.deepEqual(theirTasks, []);

    // No company at all: nothing.
    const none = await createUser(api, { roles: ["cliente"] });
    const empty = await api.request("GET", "/api/v1/projects", { token: none.token });
    assert.deepEqual((await json<{ items: Row[] }>(empty)).items, []);
    // Tables the role JSON does not name stay closed.
    for (const path of ["companies", "deals", "payments", "leads"]) {
      const res = await api.request("GET", `/api/v1/${path}`, { token: client.token });
      assert.equal(res.status, 403, path);
    }
  });

  await t.step(
    "notifications: the owner's own (a cliente too); only admin sends them",
    async () => {
      const ana = await createUser(api, { roles: ["cliente"], companyIds: [] });
      const bob = await createUser(api, { roles: ["comercial"] });
      const n = await fx.post("notifications", {
        user_id: ana.id,
        title: "Deal won",
        message: "Acme signed",
        type: "success",
      });
      assert.equal(n.is_read, false);
      const refused = await api.request("POST", "/api/v1/notifications", {
        token: ana.token,
        body: { user_id: bob.id, title: "x", message: "y" },
      });
      assert.equal(refused.status, 403);

      const anaList = await json<{ items: Row[] }>(
        await api.request("GET", "/api/v1/notifications", { token: ana.token }),
      );
      assert.deepEqual(anaList.items.map((r) => r.id), [n.id]);
      const bobList = await json<{ items: Row[] }>(
        await api.request("GET", "/api/v1/notifications", { token: bob.token }),
      );
      assert.deepEqual(bobList.items, []);
      assert.equal((await getRow(api, bob.token, `notifications/${n.id}`)).status, 404);
      const bobPatch = await api.request("PATCH", `/api/v1/notifications/${n.id}`, {
        token: bob.token,
        body: { is_read: true },
      });
      assert.equal(bobPatch.status, 404);

      const onlyRead = await api.request("PATCH", `/api/v1/notifications/${n.id}`, {
        token: ana.token,
        body: { title: "changed" },
      });
      assert.equal(onlyRead.status, 422, "the owner may only mark it read");

      const read = await api.request("POST", `/api/v1/notifications/${n.id}/read`, {
        token: ana.token,
      });
      const readRow = await json(read);
      assert.equal(read.status, 200);
      assert.equal(readRow.is_read, true);
      assert.ok(typeof readRow.read_at === "string");
      const unread = await api.request("PATCH", `/api/v1/notifications/${n.id}`, {
        token: ana.token,
        body: { is_read: false },
      });
      const unreadRow = await json(unread);
      assert.deepEqual([unreadRow.is_read, unreadRow.read_at], [false, null]);
      const unreadOnly = await json<{ items: Row[] }>(
        await api.request("GET", "/api/v1/notifications?is_read=false", { token: ana.token }),
      );
      assert.deepEqual(unreadOnly.items.map((r) => r.id), [n.id]);
      assert.equal(await auditCount(api, String(n.id)), 3, "create, mark read, mark unread");

      assert.equal(
        (await api.request("DELETE", `/api/v1/notifications/${n.id}`, { token: bob.token })).status,
        404,
      );
      assert.equal(
        (await api.request("DELETE", `/api/v1/notifications/${n.id}`, { token: ana.token })).status,
        204,
      );
      assert.equal(await auditCount(api, String(n.id)), 4);
    },
  );

  await t.step("audit trail: actor, values, request id and user agent; admin only", async () => {
    const seller = await createUser(api, { roles: ["comercial"] });
    const res = await api.request("POST", "/api/v1/leads", {
      token: seller.token,
      body: { source: "referral", score: 10 },
      headers: { "X-Request-Id": "audit-req-0001", "User-Agent": "crm-test/1.0" },
    });
    const lead = await json(res);
    assert.equal(res.status, 201);
    await api.request("PATCH", `/api/v1/leads/${lead.id}`, {
      token: seller.token,
      body: { score: 55 },
    });
    const trail = await json<{ items: Row[] }>(
      await api.request("GET", `/api/v1/audit-logs?resource_id=${lead.id}&sort=created_at`, {
        token: admin.token,
      }),
    );
    assert.deepEqual(trail.items.map((r) => r.action), ["create", "update"]);
    const [created, updated] = trail.items;
    assert.equal(created.user_id, seller.id);
    assert.equal(created.resource_type, "leads");
    assert.equal(created.request_id, "audit-req-0001");
    assert.equal(created.user_agent, "crm-test/1.0");
    assert.equal(created.old_values, null);
    assert.equal((created.new_values as Row).score, 10);
    assert.equal((created.new_values as Row).created_by, seller.id);
    assert.deepEqual(updated.old_values, { score: 10 });
    assert.deepEqual(updated.new_values, { score: 55 });

    const byAction = await json<{ items: Row[] }>(
      await api.request(
        "GET",
        `/api/v1/audit-logs?user_id=${seller.id}&action=update&resource_type=leads`,
        { token: admin.token },
      ),
    );
    assert.deepEqual(byAction.items.map((r) => r.id), [updated.id]);
    const one = await getRow(api, admin.token, `audit-logs/${created.id}`);
    assert.deepEqual(one.body, created);

    for (const role of ["diretor", "comercial", "agente_ia", "cliente"]) {
      const u = await createUser(api, { roles: [role] });
      const r = await api.request("GET", "/api/v1/audit-logs", { token: u.token });
      assert.equal(r.status, 403, role);
    }
    // Read only: no write routes exist.
    const post = await api.request("POST", "/api/v1/audit-logs", { token: admin.token, body: {} });
    assert.equal(post.status, 405);
    const del = await api.request("DELETE", `/api/v1/audit-logs/${created.id}`, {
      token: admin.token,
    });
    assert.equal(del.status, 405);
  });

  await t.step("audit trail: client IP, user agent, request id and the acting agent", async () => {
    // As main.ts serves: Deno.serve's connection info is the app's env (app.fetch(req, info)).
    const fromSocket = (hostname: string) => ({ remoteAddr: { hostname } });
    const createLead = async (
      app: { request: typeof api.app.request },
      token: string,
      headers: Record<string, string>,
      socketIp: string,
    ) => {
      const res = await app.request("/api/v1/leads", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          ...headers,
        },
        body: JSON.stringify({ source: "agent", score: 5 }),
      }, fromSocket(socketIp));
      const lead = await json(res);
      assert.equal(res.status, 201, JSON.stringify(lead));
      const requestId = res.headers.get("X-Request-Id");
      assert.ok(requestId, "a generated request id");
      const r = await api.stores.relational.query<Row>(
        `select user_id, agent_id, host(ip_address) as ip, user_agent, request_id
           from audit_logs where resource_id = $1 and action = 'create'`,
        [lead.id],
      );
      assert.equal(r.rows.length, 1);
      return { row: r.rows[0], requestId };
    };

    // An agent's service account: agente_ia, linked by agents.user_id.
    const account = await createUser(api, { roles: ["agente_ia"] });
    const agent = await fx.agent();
    await api.stores.relational.query("update agents set user_id = $1 where id = $2", [
      account.id,
      agent.id,
    ]);
    // Without a trusted proxy the socket address counts and X-Forwarded-For is the client's word.
    const linked = await createLead(api.app, account.token, {
      "User-Agent": "agent-runner/2.1",
      "X-Forwarded-For": "203.0.113.66",
    }, "2001:db8::7");
    assert.deepEqual(linked.row, {
      user_id: account.id,
      agent_id: agent.id,
      ip: "2001:db8::7",
      user_agent: "agent-runner/2.1",
      request_id: linked.requestId,
    });

    // agente_ia without a linked agent, and a linked account's agent for another role: no agent.
    const unlinked = await createUser(api, { roles: ["agente_ia"] });
    const plain = await createLead(api.app, unlinked.token, {}, "198.51.100.4");
    assert.equal(plain.row.user_id, unlinked.id);
    assert.equal(plain.row.agent_id, null);
    const seller = await createUser(api, { roles: ["comercial"] });
    const agent2 = await fx.agent();
    await api.stores.relational.query("update agents set user_id = $1 where id = $2", [
      seller.id,
      agent2.id,
    ]);
    const human = await createLead(api.app, seller.token, {}, "198.51.100.5");
    assert.equal(human.row.agent_id, null, "only agente_ia callers act as their agent");

    // Behind a trusted proxy (TRUST_PROXY): the right-most X-Forwarded-For entry, the hop the
    // proxy appended. A second app over the same stores, as a second instance would be.
    const proxied = createApp(api.stores, { ...api.app.deps.config, trustProxy: true }, {
      logger: createLogger("error", () => {}),
    });
    const viaProxy = await createLead(proxied, account.token, {
      "User-Agent": "agent-runner/2.1",
      "X-Forwarded-For": "203.0.113.66, 192.0.2.44",
    }, "10.0.0.2");
    assert.equal(viaProxy.row.ip, "192.0.2.44");
    assert.equal(viaProxy.row.agent_id, agent.id);
    assert.equal(viaProxy.row.request_id, viaProxy.requestId);
  });

  await t.step("every crm route is in /openapi.json and in the permission table", async () => {
    const res = await api.request("GET", "/openapi.json");
    assert.equal(res.status, 200);
    const doc = await json<{ paths: Record<string, Record<string, unknown>> }>(res);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of Object.keys(item)) {
        documented.add(`${method.toUpperCase()} ${path.replace(/\{([a-z_]+)\}/g, ":$1")}`);
      }
    }
    const served = new Set(
      crmRoutes(api.app.deps).routes.map((r) => `${r.method} /api/v1${r.path}`),
    );
    const listed = Object.keys(CRM_PERMISSIONS).sort();
    assert.deepEqual([...served].sort(), listed);
    assert.deepEqual(listed.filter((k) => !documented.has(k)), [], "undocumented crm routes");
    // 20 resources x 5 operations + audit-logs x 2 + mark read.
    assert.equal(listed.length, 20 * 5 + 2 + 1);
  });
});
