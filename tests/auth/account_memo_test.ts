// Account state (active, password cut-off, revocations) is kept in process per user and dropped
// by the NOTIFY that sql/0092's triggers send on commit, whoever wrote: the API on any instance,
// or plain SQL. Embedded, PGlite hands the notification over before the writing statement
// returns, so the very next request is refused; on the servers it travels on the listener's own
// connection, and the next request is refused once it has arrived (polled here for up to 1 s).
import assert from "node:assert/strict";
import {
  apiTest,
  createUser,
  json,
  openTestApi,
  SERVER_VARS,
  type TestApi,
  type TestUser,
} from "../support/api.ts";
import { serverTest } from "../support/profile.ts";
import { login, meStatus, PASSWORD, refused, register } from "./helpers.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < end, `${what} within ${ms} ms`);
    await sleep(10);
  }
}

const jtiOf = (token: string) =>
  JSON.parse(new TextDecoder().decode(
    Uint8Array.from(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")), (c) =>
      c.charCodeAt(0)),
  )).jti as string;

/** A user who has made one signed-in request, so their state is in `api`'s memo. */
async function remembered(api: TestApi): Promise<TestUser> {
  const u = await createUser(api);
  assert.equal(await meStatus(api, u.token), 200);
  assert.ok(api.app.deps.accounts.get(u.id), "the account state was not kept in process");
  return u;
}

apiTest("accounts: every change to an account's state reaches the memo", async (t, api) => {
  const db = api.stores.relational;
  assert.equal(api.app.deps.accounts.live, true, "the listener is up once the app is");

  await t.step("a deactivation in plain SQL refuses the token", async () => {
    const u = await remembered(api);
    await db.query("update users set is_active = false where id = $1", [u.id]);
    await refused(api, u.token);
  });

  await t.step("so does a soft delete, and a password cut-off set in SQL", async () => {
    const a = await remembered(api);
    await db.query("update users set deleted_at = now() where id = $1", [a.id]);
    await refused(api, a.token);
    const b = await remembered(api);
    await db.query(
      "update users set tokens_valid_after = now() + interval '2 seconds' where id = $1",
      [b.id],
    );
    await refused(api, b.token);
  });

  await t.step("a revocation written in SQL refuses that token only", async () => {
    const u = await remembered(api);
    const other = await api.app.deps.tokens.signAccess(u.id);
    assert.equal(await meStatus(api, other.token), 200);
    await db.query(
      `insert into revoked_access_tokens (jti, user_id, expires_at)
       values ($1, $2, now() + interval '1 hour')`,
      [jtiOf(u.token), u.id],
    );
    await refused(api, u.token);
    assert.equal(await meStatus(api, other.token), 200);
  });

  await t.step("a logout refuses the token on the next request", async () => {
    const u = await remembered(api);
    const res = await api.request("POST", "/api/v1/auth/logout", { token: u.token });
    await res.body?.cancel();
    assert.equal(res.status, 204);
    await refused(api, u.token, 0);
  });

  await t.step(
    "a profile change in SQL shows on /auth/me, whose profile is the memo's",
    async () => {
      const u = await remembered(api);
      await db.query("update users set full_name = 'Renamed In SQL' where id = $1", [u.id]);
      const end = Date.now() + (api.profile === "embedded" ? 0 : 1000);
      let name = "";
      do {
        const res = await api.request("GET", "/api/v1/auth/me", { token: u.token });
        name = (await json<{ full_name: string }>(res)).full_name;
        if (name !== "Renamed In SQL") await sleep(10);
      } while (name !== "Renamed In SQL" && Date.now() < end);
      assert.equal(name, "Renamed In SQL");
      assert.equal(api.app.deps.accounts.get(u.id)?.state?.profile.full_name, "Renamed In SQL");
    },
  );

  await t.step("'*' (a restore) empties it", async () => {
    const u = await remembered(api);
    await db.query("select pg_notify('polystore_accounts', '*')");
    await until("emptied", () => api.app.deps.accounts.get(u.id) === undefined, 1000);
  });
});

serverTest(
  "accounts: a change made through one instance is refused on the other",
  SERVER_VARS,
  async (t) => {
    const a = await openTestApi("server");
    const b = await openTestApi("server");
    try {
      await t.step("a logout on A", async () => {
        const u = await remembered(b);
        const res = await a.request("POST", "/api/v1/auth/logout", { token: u.token });
        await res.body?.cancel();
        assert.equal(res.status, 204);
        await refused(b, u.token);
      });
      await t.step("a password change on A", async () => {
        const { email } = await register(a);
        const pair = await login(a, email);
        assert.equal(await meStatus(b, pair.access_token), 200);
        const res = await a.request("POST", "/api/v1/auth/password", {
          token: pair.access_token,
          body: { current_password: PASSWORD, new_password: "another password 456" },
        });
        await res.body?.cancel();
        assert.equal(res.status, 200);
        await refused(b, pair.access_token);
      });
    } finally {
      await a.close();
      await b.close();
    }
  },
);

serverTest("accounts: while the listener is cut the table is read", SERVER_VARS, async (t) => {
  const api = await openTestApi("server");
  const db = api.stores.relational;
  const memo = api.app.deps.accounts;
  try {
    const u = await remembered(api);
    await t.step("a cut connection turns the memo off and empties it", async () => {
      // As a server restart or failover would. Other instances' listeners reconnect likewise.
      await db.query(
        `select pg_terminate_backend(pid) from pg_stat_activity
          where application_name = 'polystore-listen'`,
      );
      await until("memo off", () => !memo.live);
      assert.equal(memo.get(u.id), undefined);
    });
    await t.step("a change made meanwhile, whose notification is lost, is refused", async () => {
      await db.query("update users set is_active = false where id = $1", [u.id]);
      assert.equal(await meStatus(api, u.token), 401);
    });
    await t.step("listening again, the memo starts empty and is trusted", async () => {
      await until("memo on", () => memo.live);
      await refused(api, u.token, 0);
      await remembered(api);
    });
  } finally {
    await api.close();
  }
});
