// Accounts on both profiles: registration, sign-in (JSON and OAuth2 form) with one answer for
// every failure, rehash of weaker hashes, /auth/me, the admin bootstrap, and the activity trail.
import assert from "node:assert/strict";
import { ensureAdmin } from "../../src/auth/accounts/bootstrap.ts";
import { hashPassword, PASSWORD_PARAMS } from "../../src/auth/passwords/passwords.ts";
import { mergePermissions, type PermissionSet } from "../../src/auth/grants/permissions.ts";
import { createApp } from "../../src/app.ts";
import { createLogger } from "../../src/log.ts";
import type { RelationalStore } from "../../src/stores/relational/port.ts";
import { apiTest, createUser, json } from "../support/api.ts";
import { assertProblem, login, PASSWORD, register, uniqueEmail } from "./helpers.ts";

apiTest("accounts: register, login, me, bootstrap", async (t, api) => {
  const db = api.stores.relational;
  const activity = api.stores.documents.collection("user_activity_logs");
  const email = uniqueEmail("acct");
  let userId = "";

  await t.step("register answers 201 with the profile and no role", async () => {
    const res = await api.request("POST", "/api/v1/auth/register", {
      body: { email: email.toUpperCase(), password: PASSWORD, full_name: "Ana Souza" },
    });
    const body = await json(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.email, email, "stored lower-cased");
    assert.equal(body.full_name, "Ana Souza");
    assert.deepEqual(body.roles, []);
    assert.equal("password_hash" in body, false);
    userId = body.id as string;
    const roles = await db.query("select 1 from user_roles where user_id = $1", [userId]);
    assert.equal(roles.rowCount, 0);
    const stored = await db.query<{ password_hash: string }>(
      "select password_hash from users where id = $1",
      [userId],
    );
    assert.match(stored.rows[0].password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  await t.step("the same e-mail in another case is 409 naming the field", async () => {
    const res = await api.request("POST", "/api/v1/auth/register", {
      body: { email: email.replace(/^a/, "A"), password: PASSWORD, full_name: "Other" },
    });
    const body = await assertProblem(res, 409, "conflict");
    assert.deepEqual((body.errors as { path: string }[]).map((e) => e.path), ["email"]);
  });

  await t.step(
    "register refuses short passwords, bad e-mails and unknown fields (422)",
    async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ email: uniqueEmail(), password: "short", full_name: "X" }, "password"],
        [{ email: "not-an-email", password: PASSWORD, full_name: "X" }, "email"],
        [{ email: uniqueEmail(), password: "x".repeat(257), full_name: "X" }, "password"],
        [{ email: uniqueEmail(), password: PASSWORD, full_name: "X", role: "admin" }, "role"],
        [{ email: uniqueEmail(), password: PASSWORD }, "full_name"],
      ];
      for (const [body, field] of cases) {
        const res = await api.request("POST", "/api/v1/auth/register", { body });
        const problem = await assertProblem(res, 422, "validation_failed");
        const paths = (problem.errors as { path: string }[]).map((e) => e.path);
        assert.ok(paths.includes(field), `${field} in ${paths}`);
      }
    },
  );

  let pair: Awaited<ReturnType<typeof login>>;
  await t.step("login with JSON answers a Bearer pair valid 900 s, not cacheable", async () => {
    const res = await api.request("POST", "/api/v1/auth/login", {
      body: { email: email.toUpperCase(), password: PASSWORD },
    });
    const body = await json(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 900);
    assert.match(body.access_token as string, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    assert.match(body.refresh_token as string, /^[\w-]{43}$/);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    pair = body as unknown as typeof pair;
    const rows = await db.query<{ token_hash: string }>(
      "select token_hash from refresh_tokens where user_id = $1",
      [userId],
    );
    assert.equal(rows.rowCount, 1);
    assert.notEqual(rows.rows[0].token_hash, pair.refresh_token, "only the hash is stored");
    assert.match(rows.rows[0].token_hash, /^[0-9a-f]{64}$/);
  });

  await t.step("login with the OAuth2 password form works too", async () => {
    const form = new URLSearchParams({
      grant_type: "password",
      username: email,
      password: PASSWORD,
    });
    const res = await api.request("POST", "/api/v1/auth/login", {
      body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const body = await json(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.token_type, "Bearer");
  });

  await t.step("the password form ignores parameters it does not know (RFC 6749 3.2)", async () => {
    const form = new URLSearchParams({
      username: email,
      password: PASSWORD,
      email: "someone-else@example.test",
      audience: "x",
    });
    const res = await api.request("POST", "/api/v1/auth/login", {
      body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 200, JSON.stringify(await json(res)));
    const noPassword = await api.request("POST", "/api/v1/auth/login", {
      body: new URLSearchParams({ username: email, email }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await assertProblem(noPassword, 422);
  });

  await t.step("a form with another grant type or a text body is refused", async () => {
    const form = new URLSearchParams({ grant_type: "client_credentials", username: email });
    const bad = await api.request("POST", "/api/v1/auth/login", {
      body: form.toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await assertProblem(bad, 422);
    const text = await api.request("POST", "/api/v1/auth/login", {
      body: "hello",
      headers: { "Content-Type": "text/plain" },
    });
    await assertProblem(text, 415);
  });

  await t.step("wrong password and unknown e-mail get the very same 401", async () => {
    const wrong = await api.request("POST", "/api/v1/auth/login", {
      body: { email, password: "wrong password here" },
    });
    const unknown = await api.request("POST", "/api/v1/auth/login", {
      body: { email: uniqueEmail("nobody"), password: PASSWORD },
    });
    const a = await assertProblem(wrong, 401, "invalid_credentials");
    const b = await assertProblem(unknown, 401, "invalid_credentials");
    delete a.request_id;
    delete b.request_id;
    assert.deepEqual(a, b);
    assert.equal(wrong.headers.get("WWW-Authenticate"), unknown.headers.get("WWW-Authenticate"));
  });

  await t.step("a disabled account gets the same 401 with the right password", async () => {
    const off = await register(api);
    await db.query("update users set is_active = false where id = $1", [off.id]);
    const res = await api.request("POST", "/api/v1/auth/login", {
      body: { email: off.email, password: PASSWORD },
    });
    await assertProblem(res, 401, "invalid_credentials");
  });

  await t.step("failed and successful logins reach user_activity_logs and audit_logs", async () => {
    const docs = await activity.find({ user_id: userId }, { limit: 50 });
    const actions = docs.items.map((d) => d.action);
    for (const a of ["register", "login", "login_failed"]) assert.ok(actions.includes(a), a);
    const doc = docs.items.find((d) => d.action === "login")!;
    assert.ok(doc.at instanceof Date);
    assert.ok("ip" in doc && "user_agent" in doc && "request_id" in doc);
    const audit = await db.query<{ action: string }>(
      "select action from audit_logs where resource_id = $1 order by created_at",
      [userId],
    );
    const audited = audit.rows.map((r) => r.action);
    for (const a of ["create", "login", "login_failed"]) assert.ok(audited.includes(a), a);
  });

  await t.step("GET /auth/me: profile without hash, no roles, empty permissions", async () => {
    const res = await api.request("GET", "/api/v1/auth/me", { token: pair.access_token });
    const body = await json(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.id, userId);
    assert.equal(body.email, email);
    assert.deepEqual(body.roles, []);
    assert.deepEqual(body.permissions, {});
    assert.deepEqual(body.company_ids, []);
    assert.equal("password_hash" in body, false);
    assert.equal(typeof body.last_login_at, "string");
  });

  await t.step("a user with no role is refused the admin list (403)", async () => {
    const res = await api.request("GET", "/api/v1/users", { token: pair.access_token });
    await assertProblem(res, 403, "forbidden");
  });

  await t.step("/auth/me shows the merged permissions of several roles", async () => {
    const u = await createUser(api, { roles: ["comercial", "agente_ia"] });
    const body = await json(await api.request("GET", "/api/v1/auth/me", { token: u.token }));
    assert.deepEqual(body.roles, ["agente_ia", "comercial"]);
    const roles = await db.query<{ permissions: PermissionSet }>(
      "select permissions from roles where name in ('agente_ia', 'comercial')",
    );
    assert.deepEqual(body.permissions, mergePermissions(roles.rows.map((r) => r.permissions)));
    // Seed 004's grants of the two roles, merged.
    const p = body.permissions as PermissionSet;
    assert.equal(p.leads, true);
    assert.equal(p.deals, true);
    assert.deepEqual(p.content, { read: true, create: true });
    assert.deepEqual(body.company_ids, []);
  });

  await t.step("a hash with weaker parameters is upgraded at login", async () => {
    const weak = await register(api);
    const old = await hashPassword(PASSWORD, { memoryKiB: 1024, iterations: 1, parallelism: 1 });
    await db.query("update users set password_hash = $2 where id = $1", [weak.id, old]);
    await login(api, weak.email);
    const r = await db.query<{ password_hash: string }>(
      "select password_hash from users where id = $1",
      [weak.id],
    );
    const m = PASSWORD_PARAMS.memoryKiB;
    assert.match(r.rows[0].password_hash, new RegExp(`^\\$argon2id\\$v=19\\$m=${m},t=2,p=1\\$`));
    await login(api, weak.email); // the new hash still verifies
  });

  await t.step("a rehash never overwrites a password changed since it was verified", async () => {
    const user = await register(api);
    const old = await hashPassword(PASSWORD, { memoryKiB: 1024, iterations: 1, parallelism: 1 });
    await db.query("update users set password_hash = $2 where id = $1", [user.id, old]);
    const changed = await hashPassword("the password set meanwhile");
    // A password change commits after the login verified the old hash, before its own update.
    let raced = false;
    const racing = new Proxy(db, {
      get(target, prop) {
        if (prop !== "transaction") return Reflect.get(target, prop);
        return async (fn: Parameters<RelationalStore["transaction"]>[0]) => {
          if (!raced) {
            raced = true;
            await target.query("update users set password_hash = $2 where id = $1", [
              user.id,
              changed,
            ]);
          }
          return await target.transaction(fn);
        };
      },
    });
    const app = createApp({ ...api.stores, relational: racing }, api.app.deps.config, {
      logger: createLogger("silent"),
    });
    const res = await app.request("/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: user.email, password: PASSWORD }),
    });
    await res.body?.cancel();
    assert.ok(raced);
    const r = await db.query<{ password_hash: string }>(
      "select password_hash from users where id = $1",
      [user.id],
    );
    assert.equal(r.rows[0].password_hash, changed, "the rehash restored the old password");
    await assertProblem(
      await api.request("POST", "/api/v1/auth/login", {
        body: { email: user.email, password: PASSWORD },
      }),
      401,
    );
  });

  await t.step("ensureAdmin creates the admin once and never changes it", async () => {
    const adminEmail = uniqueEmail("admin");
    const log = createLogger("silent");
    const deps = { db, log };
    assert.equal(
      await ensureAdmin(deps, { adminEmail, adminPassword: "first admin password" }),
      "created",
    );
    assert.equal(
      await ensureAdmin(deps, { adminEmail, adminPassword: "another password!!" }),
      "exists",
    );
    assert.equal(await ensureAdmin(deps, {}), "not_configured");
    const pair = await login(api, adminEmail, "first admin password");
    await assertProblem(
      await api.request("POST", "/api/v1/auth/login", {
        body: { email: adminEmail, password: "another password!!" },
      }),
      401,
    );
    const me = await json(
      await api.request("GET", "/api/v1/auth/me", {
        token: pair.access_token,
      }),
    );
    assert.deepEqual(me.roles, ["admin"]);
    const list = await api.request("GET", "/api/v1/users?limit=1", { token: pair.access_token });
    assert.equal(list.status, 200);
  });
});
