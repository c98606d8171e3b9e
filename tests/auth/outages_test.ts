// Auth with a store down, on both profiles: a second app over the same stores but with the cache
// (or the documents store) failing every call. Sign-in, tokens and permissions keep working from
// the relational store; only the grace window and best-effort writes are lost, with warnings.
import assert from "node:assert/strict";
import type { Collection, DocumentStore } from "../../src/stores/documents/port.ts";
import { deadCache, down } from "../support/failing_stores.ts";
import { secondApp } from "../support/second_app.ts";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { assertProblem, type Pair, PASSWORD, uniqueEmail } from "./helpers.ts";
import { readUntil } from "../support/read_until.ts";

/** A documents store whose every collection call fails. */
function deadDocuments(real: DocumentStore): DocumentStore {
  const collection = new Proxy({} as Collection, {
    get: (_t, prop) => (prop === "name" ? "dead" : down("documents")),
  });
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "collection") return () => collection;
      if (prop === "adapter") return target.adapter;
      return down("documents");
    },
  });
}

const appWith = (api: TestApi, stores: Partial<TestApi["stores"]>) => secondApp(api, { stores });

apiTest("auth through store outages", async (t, api) => {
  await t.step("cache down: register, login, me, refresh, logout all work", async () => {
    const { request, warned } = appWith(api, { cache: deadCache(api.stores.cache) });
    const email = uniqueEmail("nocache");
    const reg = await request("POST", "/api/v1/auth/register", {
      body: { email, password: PASSWORD, full_name: "No Cache" },
    });
    assert.equal(reg.status, 201);
    const login = await request("POST", "/api/v1/auth/login", {
      body: { email, password: PASSWORD },
    });
    assert.equal(login.status, 200);
    assert.equal(login.headers.get("RateLimit-Limit"), "100000", "in-process auth limiter");
    const pair = await json(login) as unknown as Pair;
    assert.equal(
      (await request("GET", "/api/v1/auth/me", { token: pair.access_token })).status,
      200,
    );

    const next = await request("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: pair.refresh_token },
    });
    assert.equal(next.status, 200);
    const second = await json(next) as unknown as Pair;
    // No cache, no grace answer: an immediate retry counts as reuse and ends the session.
    await assertProblem(
      await request("POST", "/api/v1/auth/refresh", {
        body: { refresh_token: pair.refresh_token },
      }),
      401,
      "invalid_refresh_token",
    );
    await assertProblem(
      await request("GET", "/api/v1/auth/me", { token: second.access_token }),
      401,
    );

    const again = await json(
      await request("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } }),
    ) as unknown as Pair;
    const out = await request("POST", "/api/v1/auth/logout", { token: again.access_token });
    assert.equal(out.status, 204);
    await assertProblem(
      await request("GET", "/api/v1/auth/me", { token: again.access_token }),
      401,
    );
    // The revocation reached the relational store, so the healthy app refuses it as well.
    await assertProblem(
      await api.request("GET", "/api/v1/auth/me", { token: again.access_token }),
      401,
    );
    assert.ok(warned(/rate limiter unavailable/));
    assert.ok(warned(/cache (read|write) failed/));
  });

  await t.step(
    "cache down: role changes still take effect, and the owed invalidation outlives the instance",
    async () => {
      const admin = await createUser(api, { roles: ["admin"] });
      const target = await createUser(api);
      type Send = (m: string, p: string, o: { token: string }) => Response | Promise<Response>;
      const meOn = async (send: Send) =>
        (await json(await send("GET", "/api/v1/auth/me", { token: target.token }))).roles;
      // The healthy instance holds the old grants in the shared cache and in its memo.
      assert.deepEqual(await meOn(api.request), []);
      assert.deepEqual(await meOn(api.request), []);

      // Another instance, whose cache calls all fail, makes the change; then it is gone.
      const dead = appWith(api, { cache: deadCache(api.stores.cache) });
      const grant = await dead.request("POST", `/api/v1/users/${target.id}/roles`, {
        token: admin.token,
        body: { role: "diretor" },
      });
      assert.equal(grant.status, 201);
      assert.ok(dead.warned(/cache invalidation owed/));
      assert.deepEqual(await meOn(dead.request), ["diretor"], "grants from the database");
      // The healthy instance still holds [] in its memo and the shared cache; only its outbox
      // drain (what the dead instance owed, kept in the relational store) can move it.
      const roles = await readUntil(
        () => meOn(api.request),
        (r) => JSON.stringify(r) === '["diretor"]',
        { everyMs: 50 },
      );
      assert.deepEqual(roles, ["diretor"], "the change never reached the healthy instance");
      const left = await api.stores.relational.query(
        "select 1 from cache_invalidations where message = $1",
        [target.id],
      );
      assert.equal(left.rowCount, 0, "the outbox row was not deleted");
    },
  );

  await t.step("documents down: login still works, the lost activity is logged", async () => {
    const { request, warned } = appWith(api, { documents: deadDocuments(api.stores.documents) });
    const email = uniqueEmail("nodocs");
    const reg = await request("POST", "/api/v1/auth/register", {
      body: { email, password: PASSWORD, full_name: "No Docs" },
    });
    assert.equal(reg.status, 201);
    const ok = await request("POST", "/api/v1/auth/login", { body: { email, password: PASSWORD } });
    assert.equal(ok.status, 200);
    const bad = await request("POST", "/api/v1/auth/login", {
      body: { email, password: "wrong password!!" },
    });
    await assertProblem(bad, 401, "invalid_credentials");
    assert.ok(warned(/user activity not recorded/));
  });
});
