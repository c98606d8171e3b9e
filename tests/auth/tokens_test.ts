// Tokens and sessions on both profiles: every forged, expired or revoked access token is 401
// problem+json; refresh rotates, forgives a quick retry, and revokes the family on reuse; logout,
// session revocation and a password change end what they should and nothing else.
import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import { hashRefreshToken } from "../../src/auth/tokens/refresh_tokens.ts";
import { AUDIENCE, createTokenService, ISSUER } from "../../src/auth/tokens/tokens.ts";
import { apiTest, createUser, json, TEST_JWT_SECRET } from "../support/api.ts";
import { assertProblem, login, type Pair, PASSWORD, refused, register } from "./helpers.ts";

const b64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

apiTest("tokens: refusals, refresh rotation, logout, sessions, password change", async (t, api) => {
  const db = api.stores.relational;
  const me = (token: string, headers: Record<string, string> = {}) =>
    api.request("GET", "/api/v1/auth/me", { token, headers });
  const refresh = (token: string) =>
    api.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: token } });
  const user = await register(api);
  const key = new TextEncoder().encode(TEST_JWT_SECRET);
  const claims = () => ({ typ: "access", sub: user.id, jti: crypto.randomUUID() });

  await t.step("a genuine access token passes (control)", async () => {
    const { token } = await api.app.deps.tokens.signAccess(user.id);
    assert.equal((await me(token)).status, 200);
  });

  await t.step("no token, a malformed header or garbage: 401", async () => {
    await assertProblem(await api.request("GET", "/api/v1/auth/me"), 401, "unauthorized");
    await assertProblem(
      await api.request("GET", "/api/v1/auth/me", { headers: { Authorization: "Basic abc" } }),
      401,
    );
    await assertProblem(await me("not.a.jwt"), 401);
  });

  await t.step("an expired token (signed by a clock 20 minutes back): 401", async () => {
    const past = createTokenService(TEST_JWT_SECRET, { now: () => Date.now() - 20 * 60_000 });
    const { token } = await past.signAccess(user.id);
    const res = await me(token);
    await assertProblem(res, 401, "unauthorized");
    assert.match(res.headers.get("WWW-Authenticate") ?? "", /^Bearer/);
  });

  await t.step("alg none: 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = `${b64url({ alg: "none", typ: "JWT" })}.${
      b64url({ ...claims(), iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 })
    }.`;
    await assertProblem(await me(token), 401);
  });

  await t.step("HS512 with the right secret and RS256: 401 (algorithm allow-list)", async () => {
    const hs512 = await new SignJWT(claims()).setProtectedHeader({ alg: "HS512" })
      .setSubject(user.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt()
      .setExpirationTime("10m").sign(key);
    await assertProblem(await me(hs512), 401);
    const { privateKey } = await generateKeyPair("RS256");
    const rs256 = await new SignJWT(claims()).setProtectedHeader({ alg: "RS256" })
      .setSubject(user.id).setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt()
      .setExpirationTime("10m").sign(privateKey);
    await assertProblem(await me(rs256), 401);
  });

  await t.step("a tampered payload or signature: 401", async () => {
    const { token } = await api.app.deps.tokens.signAccess(user.id);
    const [h, p, s] = token.split(".");
    const other = await createUser(api);
    const forgedPayload = b64url({
      ...JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/"))),
      sub: other.id,
    });
    await assertProblem(await me(`${h}.${forgedPayload}.${s}`), 401);
    const flipped = s[0] === "A" ? `B${s.slice(1)}` : `A${s.slice(1)}`;
    await assertProblem(await me(`${h}.${p}.${flipped}`), 401);
  });

  await t.step("a token from another issuer, audience or without typ access: 401", async () => {
    const base = () =>
      new SignJWT(claims()).setProtectedHeader({ alg: "HS256" }).setSubject(user.id)
        .setIssuedAt().setExpirationTime("10m");
    await assertProblem(await me(await base().setIssuer("x").setAudience(AUDIENCE).sign(key)), 401);
    await assertProblem(await me(await base().setIssuer(ISSUER).setAudience("x").sign(key)), 401);
    const refreshTyp = await new SignJWT({ ...claims(), typ: "refresh" })
      .setProtectedHeader({ alg: "HS256" }).setSubject(user.id).setIssuer(ISSUER)
      .setAudience(AUDIENCE).setIssuedAt().setExpirationTime("10m").sign(key);
    await assertProblem(await me(refreshTyp), 401);
  });

  let first: Pair;
  await t.step("a refresh token used as an access token: 401", async () => {
    first = await login(api, user.email);
    await assertProblem(await me(first.refresh_token), 401);
    assert.equal((await me(first.access_token)).status, 200);
  });

  let second: Pair;
  await t.step("refresh rotates: a new pair in the same session", async () => {
    const res = await refresh(first.refresh_token);
    second = await json(res) as unknown as Pair;
    assert.equal(res.status, 200, JSON.stringify(second));
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal(second.expires_in, 900);
    assert.equal((await me(second.access_token)).status, 200);
    const rows = await db.query<{ n: number; families: number }>(
      `select count(*)::int as n, count(distinct family_id)::int as families
         from refresh_tokens where user_id = $1`,
      [user.id],
    );
    assert.deepEqual(rows.rows[0], { n: 2, families: 1 });
  });

  await t.step("the OAuth2 refresh form is accepted", async () => {
    const third = await login(api, user.email);
    const res = await api.request("POST", "/api/v1/auth/refresh", {
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: third.refresh_token })
        .toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    assert.equal(res.status, 200);
  });

  await t.step(
    "a retry of the same refresh within the grace window gets the same pair",
    async () => {
      const again = await json(await refresh(first.refresh_token));
      assert.deepEqual(again, second);
    },
  );

  await t.step("concurrent refreshes of one token answer one and the same pair", async () => {
    const p = await login(api, user.email);
    const answers = await Promise.all([refresh(p.refresh_token), refresh(p.refresh_token)]);
    const bodies = await Promise.all(answers.map((r) => json(r)));
    assert.deepEqual(answers.map((r) => r.status), [200, 200]);
    assert.deepEqual(bodies[0], bodies[1]);
  });

  await t.step("reuse after the window: 401, and the whole family is revoked", async () => {
    // The grace window passes: move the rotation 11 s into the past.
    await db.query(
      "update refresh_tokens set rotated_at = rotated_at - interval '11 seconds' where token_hash = $1",
      [await hashRefreshToken(first.refresh_token)],
    );
    await assertProblem(await refresh(first.refresh_token), 401, "invalid_refresh_token");
    // The newer token of the family and its access token die with it.
    await assertProblem(await refresh(second.refresh_token), 401, "invalid_refresh_token");
    await assertProblem(await me(second.access_token), 401);
    const reuse = await api.stores.documents.collection("user_activity_logs").find({
      user_id: user.id,
      action: "refresh_reuse",
    });
    assert.equal(reuse.items.length, 1);
    const audit = await db.query(
      "select 1 from audit_logs where resource_id = $1 and action = 'refresh_reuse'",
      [user.id],
    );
    assert.equal(audit.rowCount, 1);
  });

  await t.step("a late retry after the newer token was used is reuse, not a retry", async () => {
    const p = await login(api, user.email);
    const next = await json(await refresh(p.refresh_token)) as unknown as Pair;
    assert.equal((await refresh(next.refresh_token)).status, 200); // the client moved on
    // Still inside the grace window, but the pair it would repeat is already spent.
    await assertProblem(await refresh(p.refresh_token), 401, "invalid_refresh_token");
  });

  await t.step("unknown and malformed refresh tokens: 401; empty body: 422", async () => {
    await assertProblem(await refresh("A".repeat(43)), 401, "invalid_refresh_token");
    await assertProblem(await refresh("short"), 401, "invalid_refresh_token");
    await assertProblem(
      await api.request("POST", "/api/v1/auth/refresh", { body: {} }),
      422,
      "validation_failed",
    );
  });

  await t.step("an expired refresh token: 401", async () => {
    const p = await login(api, user.email);
    await db.query(
      "update refresh_tokens set expires_at = now() - interval '1 second' where token_hash = $1",
      [await hashRefreshToken(p.refresh_token)],
    );
    await assertProblem(await refresh(p.refresh_token), 401, "invalid_refresh_token");
  });

  await t.step(
    "logout revokes the access token (also without the cache) and the session",
    async () => {
      const p = await login(api, user.email);
      const out = await api.request("POST", "/api/v1/auth/logout", { token: p.access_token });
      assert.equal(out.status, 204);
      await assertProblem(await me(p.access_token), 401);
      await assertProblem(await refresh(p.refresh_token), 401);
      const jti = JSON.parse(
        atob(p.access_token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
      )
        .jti as string;
      assert.notEqual(await api.stores.cache.get(`blacklist:jwt:${jti}`), null);
      const ttl = await api.stores.cache.ttl(`blacklist:jwt:${jti}`);
      assert.ok(ttl !== null && ttl > 0 && ttl <= 900_000, `ttl ${ttl}`);
      // The cache entry lost: the relational table still refuses the token.
      await api.stores.cache.del(`blacklist:jwt:${jti}`);
      await assertProblem(await me(p.access_token), 401);
      const row = await db.query("select 1 from revoked_access_tokens where jti = $1", [jti]);
      assert.equal(row.rowCount, 1);
      const logouts = await api.stores.documents.collection("user_activity_logs").count({
        user_id: user.id,
        action: "logout",
      });
      assert.equal(logouts, 1);
    },
  );

  await t.step("sessions: listed with the current one marked; one can be ended", async () => {
    const u = await register(api);
    const a = await login(api, u.email, PASSWORD, { "User-Agent": "device-a" });
    const b = await login(api, u.email, PASSWORD, { "User-Agent": "device-b" });
    const res = await api.request("GET", "/api/v1/auth/sessions", { token: a.access_token });
    const body = await json<{ items: Record<string, unknown>[]; next_cursor: null }>(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.equal(body.items.length, 2);
    assert.equal(body.next_cursor, null);
    const current = body.items.find((s) => s.current)!;
    const other = body.items.find((s) => !s.current)!;
    assert.equal(current.user_agent, "device-a");
    assert.equal(other.user_agent, "device-b");
    for (const s of body.items) {
      assert.equal(typeof s.created_at, "string");
      assert.equal(typeof s.last_used_at, "string");
    }

    // Another user cannot end it: 404, not 403, so ids do not leak.
    const stranger = await createUser(api);
    await assertProblem(
      await api.request("DELETE", `/api/v1/auth/sessions/${other.id}`, { token: stranger.token }),
      404,
      "not_found",
    );
    assert.equal((await me(b.access_token)).status, 200);

    const del = await api.request("DELETE", `/api/v1/auth/sessions/${other.id}`, {
      token: a.access_token,
    });
    assert.equal(del.status, 204);
    await assertProblem(await me(b.access_token), 401);
    await assertProblem(await refresh(b.refresh_token), 401);
    assert.equal((await me(a.access_token)).status, 200);
    await assertProblem(
      await api.request("DELETE", `/api/v1/auth/sessions/${other.id}`, { token: a.access_token }),
      404,
    );
    const after = await json<{ items: unknown[] }>(
      await api.request("GET", "/api/v1/auth/sessions", { token: a.access_token }),
    );
    assert.equal(after.items.length, 1);
  });

  await t.step("a password change ends every other session and keeps this one", async () => {
    const u = await register(api);
    const a = await login(api, u.email);
    const b = await login(api, u.email);
    const wrong = await api.request("POST", "/api/v1/auth/password", {
      token: a.access_token,
      body: { current_password: "not my password", new_password: "a new password 123" },
    });
    const problem = await assertProblem(wrong, 422);
    assert.deepEqual((problem.errors as { path: string }[]).map((e) => e.path), [
      "current_password",
    ]);
    await assertProblem(
      await api.request("POST", "/api/v1/auth/password", {
        token: a.access_token,
        body: { current_password: PASSWORD, new_password: "short" },
      }),
      422,
    );

    const res = await api.request("POST", "/api/v1/auth/password", {
      token: a.access_token,
      body: { current_password: PASSWORD, new_password: "a new password 123" },
    });
    const fresh = await json(res) as unknown as Pair;
    assert.equal(res.status, 200, JSON.stringify(fresh));
    assert.equal(res.headers.get("Cache-Control"), "no-store");

    await assertProblem(await me(b.access_token), 401);
    await assertProblem(await refresh(b.refresh_token), 401);
    await assertProblem(await me(a.access_token), 401);
    assert.equal((await me(fresh.access_token)).status, 200);
    const next = await refresh(fresh.refresh_token);
    assert.equal(next.status, 200);

    // A token issued before the change that was never recorded anywhere (no session) is
    // refused by the cut-off alone.
    await db.query(
      "update users set tokens_valid_after = now() + interval '2 seconds' where id = $1",
      [u.id],
    );
    const { token: bare } = await api.app.deps.tokens.signAccess(u.id);
    // A change in plain SQL: on the servers it reaches the account memo by a NOTIFY.
    await refused(api, bare);
    await assertProblem(await me(bare), 401);
    await db.query(
      "update users set tokens_valid_after = now() - interval '1 hour' where id = $1",
      [
        u.id,
      ],
    );

    await assertProblem(
      await api.request("POST", "/api/v1/auth/login", {
        body: { email: u.email, password: PASSWORD },
      }),
      401,
    );
    await login(api, u.email, "a new password 123");
    const audit = await db.query(
      "select 1 from audit_logs where resource_id = $1 and action = 'password_change'",
      [u.id],
    );
    assert.equal(audit.rowCount, 1);
  });

  await t.step("an inactive user's valid token: 401", async () => {
    const u = await createUser(api);
    assert.equal((await me(u.token)).status, 200);
    await db.query("update users set is_active = false where id = $1", [u.id]);
    await refused(api, u.token);
    await assertProblem(await me(u.token), 401);
  });
});
