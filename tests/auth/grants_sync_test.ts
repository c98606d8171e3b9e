// Grant changes across API instances on the server profile: two apps over the same Postgres and
// Redis, each keeping grants in process. A change made on one is seen on the other at once
// (publish/subscribe), and while the subscription is cut no instance trusts what it kept.
import assert from "node:assert/strict";
import { freePort } from "../support/ports.ts";
import { createUser, json, openTestApi, SERVER_VARS, type TestApi } from "../support/api.ts";
import { createPrivateServer } from "../support/private_servers.ts";
import { serverTest } from "../support/profile.ts";
import { readUntil } from "../support/read_until.ts";

async function rolesOf(api: TestApi, token: string): Promise<string[]> {
  const res = await api.request("GET", "/api/v1/auth/me", { token });
  const body = await json<{ roles: string[] }>(res);
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.roles;
}

/** Polls `api` until the user's roles are `want`, failing after `ms`. */
async function rolesBecome(api: TestApi, token: string, want: string[], ms: number) {
  const roles = await readUntil(
    () => rolesOf(api, token),
    (r) => JSON.stringify(r) === JSON.stringify(want),
    { ms, everyMs: 10 },
  );
  assert.deepEqual(roles, want, `roles still ${JSON.stringify(roles)} after ${ms} ms`);
}

async function until(what: string, check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < end, `${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

serverTest("grants: a role change on one instance reaches the others", SERVER_VARS, async (t) => {
  const a = await openTestApi("server");
  const b = await openTestApi("server");
  try {
    const admin = await createUser(a, { roles: ["admin"] });
    const target = await createUser(a);
    const grant = (role: string) =>
      a.request("POST", `/api/v1/users/${target.id}/roles`, {
        token: admin.token,
        body: { role },
      });

    await t.step("each instance keeps the grants it read in process", async () => {
      assert.deepEqual(await rolesOf(b, target.token), []);
      assert.deepEqual(b.app.deps.grants.get(target.id)?.roles, []);
      assert.equal(b.app.deps.grants.live, true);
    });

    await t.step("a grant on A is seen on B within a second", async () => {
      const res = await grant("comercial");
      assert.equal(res.status, 201);
      await rolesBecome(b, target.token, ["comercial"], 1000);
      // And with the permission, not just the role: comercial may list contacts.
      const list = await b.request("GET", "/api/v1/contacts?limit=1", { token: target.token });
      assert.equal(list.status, 200);
    });

    await t.step("a revocation on A is seen on B within a second", async () => {
      const res = await a.request("DELETE", `/api/v1/users/${target.id}/roles/comercial`, {
        token: admin.token,
      });
      assert.equal(res.status, 204);
      await rolesBecome(b, target.token, [], 1000);
      const list = await b.request("GET", "/api/v1/contacts?limit=1", { token: target.token });
      assert.equal(list.status, 403);
    });

    await t.step("nothing is left owed in the outbox", async () => {
      const owed = await a.stores.relational.query(
        "select 1 from cache_invalidations where message = $1",
        [target.id],
      );
      assert.equal(owed.rowCount, 0);
    });
  } finally {
    await a.close();
    await b.close();
  }
});

serverTest(
  "grants: while Redis is down no instance trusts the grants it kept",
  SERVER_VARS,
  async (t) => {
    const redis = await createPrivateServer("redis", freePort());
    await redis.start();
    const a = await openTestApi("server", redis.env);
    const b = await openTestApi("server", redis.env);
    let aClosed = false;
    try {
      const admin = await createUser(a, { roles: ["admin"] });
      const target = await createUser(a);
      assert.deepEqual(await rolesOf(b, target.token), []);
      assert.deepEqual(b.app.deps.grants.get(target.id)?.roles, []);

      await t.step("the cut subscription turns B's memo off", async () => {
        await redis.stop();
        await until("memo disabled", () => !b.app.deps.grants.live, 5000);
        assert.equal(b.app.deps.grants.get(target.id), undefined);
      });

      await t.step("a change made on A during the outage is seen on B at once", async () => {
        const res = await a.request("POST", `/api/v1/users/${target.id}/roles`, {
          token: admin.token,
          body: { role: "diretor" },
        });
        assert.equal(res.status, 201);
        assert.deepEqual(await rolesOf(b, target.token), ["diretor"]);
        const owed = await a.stores.relational.query(
          "select 1 from cache_invalidations where message = $1",
          [target.id],
        );
        assert.equal(owed.rowCount, 1, "the invalidation is owed in the outbox");
      });

      await t.step("A stops; when Redis is back B applies what A owed", async () => {
        await a.close();
        aClosed = true;
        await redis.start();
        await until("memo enabled again", () => b.app.deps.grants.live, 10_000);
        await rolesBecome(b, target.token, ["diretor"], 1000);
        const end = Date.now() + 5000;
        let owed = 1;
        while (owed > 0 && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 50));
          owed = (await b.stores.relational.query(
            "select 1 from cache_invalidations where message = $1",
            [target.id],
          )).rowCount;
        }
        assert.equal(owed, 0, "B's drain did not apply A's owed invalidation");
      });
    } finally {
      if (!aClosed) await a.close();
      await b.close();
      await redis.close();
    }
  },
);
