// Permissions on both profiles: every non-public route refuses an anonymous call (401), every
// role is refused each route its grants lack (403), and the admin user routes grant and revoke
// roles and company links with audit, activity and immediate cache invalidation.
import assert from "node:assert/strict";
import { grants, type PermissionSet } from "../../src/auth/grants/permissions.ts";
import { GRANTS_CHANNEL, permissionsKey } from "../../src/auth/grants/principal.ts";
import { ROLE_NAMES } from "../../src/auth/grants/roles.ts";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { assertProblem } from "./helpers.ts";
import { readUntil } from "../support/read_until.ts";

/** A concrete path for a route pattern: every parameter becomes a fresh UUID. */
function concrete(path: string): string {
  return path.replace(/:[A-Za-z_]+(\{[^}]*\})?/g, () => crypto.randomUUID());
}

/** Every [method, pattern, permission] the app serves, from its own route list and table. */
function routesOf(api: TestApi) {
  const seen = new Set<string>();
  const out: { method: string; path: string; key: string }[] = [];
  for (const r of api.app.routes) {
    if (r.method === "ALL") continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path: r.path, key });
  }
  return out;
}

apiTest("permissions: 401 and 403 on every route, admin user routes", async (t, api) => {
  const db = api.stores.relational;

  await t.step("an unauthenticated call to every non-public route is 401", async () => {
    let checked = 0;
    for (const r of routesOf(api)) {
      const perm = api.app.permissions[r.key];
      assert.ok(perm !== undefined, `${r.key} has no permission entry`);
      if (perm === "public") continue;
      const res = await api.request(r.method, concrete(r.path));
      await assertProblem(res, 401, "unauthorized");
      checked++;
    }
    assert.ok(checked >= 12, `only ${checked} protected routes found`);
  });

  await t.step("each role (and no role) is refused every route its grants lack: 403", async () => {
    const roles = await db.query<{ name: string; permissions: PermissionSet }>(
      "select name::text as name, permissions from roles",
    );
    const holders = [
      ...ROLE_NAMES.map((name) => ({
        name,
        perms: roles.rows.find((r) => r.name === name)!.permissions,
      })),
      { name: "(none)", perms: {} as PermissionSet },
    ];
    let refused = 0;
    for (const holder of holders) {
      const u = await createUser(api, { roles: holder.name === "(none)" ? [] : [holder.name] });
      for (const r of routesOf(api)) {
        const perm = api.app.permissions[r.key];
        if (perm === "public" || perm === "user") continue;
        const [resource, action] = perm;
        if (grants(holder.perms, resource, action)) continue;
        const res = await api.request(r.method, concrete(r.path), { token: u.token });
        const body = await assertProblem(res, 403, "forbidden");
        assert.match(String(body.detail), new RegExp(`${action} on ${resource}`), r.key);
        refused++;
      }
    }
    assert.ok(refused > 0);
  });

  await t.step("seed roles against the admin list: only admin passes", async () => {
    for (const role of ROLE_NAMES) {
      const u = await createUser(api, { roles: [role] });
      const res = await api.request("GET", "/api/v1/users?limit=1", { token: u.token });
      if (role === "admin") assert.equal(res.status, 200, role);
      else await assertProblem(res, 403, "forbidden");
    }
  });

  await t.step(
    "/openapi.json documents the auth and user routes, bearer where needed",
    async () => {
      const doc = await json<{ paths: Record<string, Record<string, { security?: unknown[] }>> }>(
        await api.request("GET", "/openapi.json"),
      );
      const login = doc.paths["/api/v1/auth/login"]?.post as
        | { requestBody?: { content: Record<string, unknown> }; security?: unknown[] }
        | undefined;
      assert.ok(login, "login documented");
      assert.deepEqual(Object.keys(login.requestBody!.content).sort(), [
        "application/json",
        "application/x-www-form-urlencoded",
      ]);
      assert.equal(login.security, undefined);
      for (
        const [path, method] of [
          ["/api/v1/auth/me", "get"],
          ["/api/v1/auth/sessions/{id}", "delete"],
          ["/api/v1/users", "get"],
          ["/api/v1/users/{id}/roles/{role}", "delete"],
        ]
      ) {
        assert.deepEqual(
          doc.paths[path]?.[method]?.security,
          [{ bearer: [] }],
          `${method} ${path}`,
        );
      }
    },
  );

  const admin = await createUser(api, { roles: ["admin"] });
  const target = await createUser(api);
  const asAdmin = (method: string, path: string, body?: unknown) =>
    api.request(method, path, { token: admin.token, body });
  const meOf = async (token: string) =>
    await json(await api.request("GET", "/api/v1/auth/me", { token }));

  await t.step("GET /users pages with an opaque cursor and filters", async () => {
    const first = await json<{ items: { id: string }[]; next_cursor: string | null }>(
      await asAdmin("GET", "/api/v1/users?limit=1"),
    );
    assert.equal(first.items.length, 1);
    assert.equal(typeof first.next_cursor, "string");
    const second = await json<{ items: { id: string }[] }>(
      await asAdmin("GET", `/api/v1/users?limit=1&cursor=${first.next_cursor}`),
    );
    assert.equal(second.items.length, 1);
    assert.notEqual(second.items[0].id, first.items[0].id);
    const found = await json<{ items: Record<string, unknown>[] }>(
      await asAdmin("GET", `/api/v1/users?q=${encodeURIComponent(target.email.slice(0, 30))}`),
    );
    assert.deepEqual(found.items.map((u) => u.id), [target.id]);
    assert.equal("password_hash" in found.items[0], false);
    assert.deepEqual(found.items[0].roles, []);
    const admins = await json<{ items: { roles: string[] }[] }>(
      await asAdmin("GET", "/api/v1/users?role=admin&limit=200"),
    );
    assert.ok(admins.items.length >= 1);
    assert.ok(admins.items.every((u) => u.roles.includes("admin")));
    await assertProblem(await asAdmin("GET", "/api/v1/users?cursor=bogus"), 422);
    await assertProblem(await asAdmin("GET", "/api/v1/users?limit=0"), 422);
    await assertProblem(await asAdmin("GET", "/api/v1/users?limit=201"), 422);
    await assertProblem(await asAdmin("GET", "/api/v1/users?role=king"), 422);
  });

  await t.step("GET /users walks rows that share a created_at to the microsecond", async () => {
    const marker = `same-${crypto.randomUUID().slice(0, 8)}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await createUser(api, { email: `${marker}-${i}@example.test` })).id);
    }
    // As if created in one transaction: one timestamp with sub-millisecond digits.
    await db.query(
      "update users set created_at = '2026-05-05T10:00:00.123456Z' where id = any($1::uuid[])",
      [ids],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const q = `/api/v1/users?limit=1&q=${marker}${cursor ? `&cursor=${cursor}` : ""}`;
      const body: { items: { id: string }[]; next_cursor: string | null } = await json(
        await asAdmin("GET", q),
      );
      seen.push(...body.items.map((u) => u.id));
      cursor = body.next_cursor;
      if (cursor === null) break;
    }
    assert.deepEqual([...seen].sort(), [...ids].sort());
  });

  await t.step("granting a role takes effect at once and is announced", async () => {
    assert.deepEqual((await meOf(target.token)).roles, []); // warms the grants cache
    assert.notEqual(await api.stores.cache.get(permissionsKey(target.id)), null);
    const heard: string[] = [];
    const stop = await api.stores.cache.subscribe(GRANTS_CHANNEL, (m) => heard.push(m));
    try {
      const res = await asAdmin("POST", `/api/v1/users/${target.id}/roles`, { role: "comercial" });
      const body = await json(res);
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.deepEqual(body.roles, ["comercial"]);
      await readUntil(() => Promise.resolve(heard.includes(target.id)), (h) => h, {
        ms: 2000,
        everyMs: 20,
      });
      assert.ok(heard.includes(target.id), "grant change published");
    } finally {
      await stop();
    }
    assert.equal(await api.stores.cache.get(permissionsKey(target.id)), null);
    const me = await meOf(target.token);
    assert.deepEqual(me.roles, ["comercial"]);
    assert.equal((me.permissions as PermissionSet).leads, true);
    const again = await asAdmin("POST", `/api/v1/users/${target.id}/roles`, { role: "comercial" });
    assert.equal(again.status, 200);
  });

  await t.step(
    "role grant refusals: unknown role 422, unknown user 404, non-admin 403",
    async () => {
      await assertProblem(
        await asAdmin("POST", `/api/v1/users/${target.id}/roles`, { role: "king" }),
        422,
      );
      await assertProblem(
        await asAdmin("POST", `/api/v1/users/${crypto.randomUUID()}/roles`, { role: "cliente" }),
        404,
      );
      await assertProblem(
        await asAdmin("POST", `/api/v1/users/${target.id}/roles`, { role: "cliente", x: 1 }),
        422,
      );
      const sales = await createUser(api, { roles: ["comercial"] });
      await assertProblem(
        await api.request("POST", `/api/v1/users/${sales.id}/roles`, {
          token: sales.token,
          body: { role: "admin" },
        }),
        403,
        "forbidden",
      );
    },
  );

  await t.step("revoking the role takes effect at once; revoking again is 404", async () => {
    await meOf(target.token);
    const res = await asAdmin("DELETE", `/api/v1/users/${target.id}/roles/comercial`);
    assert.equal(res.status, 204);
    const me = await meOf(target.token);
    assert.deepEqual(me.roles, []);
    assert.deepEqual(me.permissions, {});
    await assertProblem(await asAdmin("DELETE", `/api/v1/users/${target.id}/roles/comercial`), 404);
    await assertProblem(await asAdmin("DELETE", `/api/v1/users/${target.id}/roles/king`), 422);
  });

  await t.step(
    "an admin may revoke their own admin role while another is left: 403 after",
    async () => {
      const second = await createUser(api, { roles: ["admin"] });
      const asSecond = (method: string, path: string) =>
        api.request(method, path, { token: second.token });
      assert.equal((await asSecond("GET", "/api/v1/users?limit=1")).status, 200);
      const res = await asSecond("DELETE", `/api/v1/users/${second.id}/roles/admin`);
      assert.equal(res.status, 204);
      await assertProblem(await asSecond("GET", "/api/v1/users?limit=1"), 403, "forbidden");
      assert.equal((await asAdmin("GET", "/api/v1/users?limit=1")).status, 200);
    },
  );

  await t.step("company links: add, repeat, unknown company, remove", async () => {
    const company = await db.query<{ id: string }>(
      "insert into companies (name) values ($1) returning id",
      [`Acme ${crypto.randomUUID()}`],
    );
    const companyId = company.rows[0].id;
    await meOf(target.token);
    const res = await asAdmin("POST", `/api/v1/users/${target.id}/companies`, {
      company_id: companyId,
    });
    const body = await json(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.deepEqual(body.company_ids, [companyId]);
    assert.deepEqual((await meOf(target.token)).company_ids, [companyId]);
    const again = await asAdmin("POST", `/api/v1/users/${target.id}/companies`, {
      company_id: companyId,
    });
    assert.equal(again.status, 200);
    const missing = await assertProblem(
      await asAdmin("POST", `/api/v1/users/${target.id}/companies`, {
        company_id: crypto.randomUUID(),
      }),
      422,
    );
    assert.deepEqual((missing.errors as { path: string }[]).map((e) => e.path), ["company_id"]);
    const del = await asAdmin("DELETE", `/api/v1/users/${target.id}/companies/${companyId}`);
    assert.equal(del.status, 204);
    assert.deepEqual((await meOf(target.token)).company_ids, []);
    await assertProblem(
      await asAdmin("DELETE", `/api/v1/users/${target.id}/companies/${companyId}`),
      404,
    );
  });

  await t.step("every grant change is in audit_logs and user_activity_logs", async () => {
    const audit = await db.query<{ action: string; user_id: string }>(
      "select action, user_id from audit_logs where resource_id = $1 order by created_at",
      [target.id],
    );
    assert.deepEqual(audit.rows.map((r) => r.action), [
      "role_granted",
      "role_revoked",
      "company_linked",
      "company_unlinked",
    ]);
    assert.ok(audit.rows.every((r) => r.user_id === admin.id));
    const docs = await api.stores.documents.collection("user_activity_logs").find(
      { user_id: target.id },
      { sort: { at: 1 } },
    );
    assert.deepEqual(docs.items.map((d) => d.action), [
      "role_granted",
      "role_revoked",
      "company_linked",
      "company_unlinked",
    ]);
    assert.equal(docs.items[0].actor_id, admin.id);
    assert.equal(docs.items[0].role, "comercial");
  });
});
