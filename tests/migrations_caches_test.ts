// After migrations, every cached read is retired on every instance, grants included (a migration
// may change role JSON under every user): through the outbox, so a cache that is down gets it
// once it is back. Both profiles; a second ReadThroughCache stands for another instance.
import assert from "node:assert/strict";
import { loadGrants } from "../src/auth/grants/principal.ts";
import { drainOutbox } from "../src/caching/invalidation_outbox.ts";
import { ReadThroughCache } from "../src/caching/read_through.ts";
import { createLogger } from "../src/log.ts";
import { retireCachedReads } from "../src/migrate/schema.ts";
import type { CacheStore } from "../src/stores/cache/port.ts";
import { apiTest, createUser, type TestApi } from "./support/api.ts";
import { readUntil } from "./support/read_until.ts";

const log = createLogger("error");

/** A grant added in plain SQL, as a migration would: no invalidation of its own. */
async function grantInSql(api: TestApi, userId: string, role: string): Promise<void> {
  await api.stores.relational.query(
    `insert into user_roles (user_id, role_id) select $1, id from roles where name = $2::role_name`,
    [userId, role],
  );
}

async function ownedStarRows(api: TestApi): Promise<number> {
  const r = await api.stores.relational.query<{ n: number }>(
    "select count(*)::int as n from cache_invalidations where namespace = '*'",
  );
  return r.rows[0].n;
}

apiTest("migrations retire every cached read", async (t, api) => {
  const { cached, grants: memo } = api.app.deps;
  const db = api.stores.relational;
  const other = new ReadThroughCache(api.stores.cache, log);
  const viaApp = (id: string) => loadGrants({ db, cached, memo }, id);
  const viaOther = (id: string) => loadGrants({ db, cached: other }, id);

  await t.step("grants cached before are read again after, here and elsewhere", async () => {
    const u = await createUser(api, { roles: ["comercial"] });
    assert.deepEqual((await viaApp(u.id)).roles, ["comercial"]);
    assert.deepEqual((await viaOther(u.id)).roles, ["comercial"]);
    await grantInSql(api, u.id, "diretor");
    // Nothing told the caches: both still serve what they hold.
    assert.deepEqual((await viaApp(u.id)).roles, ["comercial"]);
    assert.deepEqual((await viaOther(u.id)).roles, ["comercial"]);

    await retireCachedReads(api.stores, log);
    // The memo is emptied by a message (on the servers it travels through Redis).
    await readUntil(() => Promise.resolve(memo.get(u.id)), (entry) => entry === undefined, {
      ms: 2000,
      everyMs: 10,
    });
    assert.deepEqual((await viaApp(u.id)).roles, ["comercial", "diretor"]);
    assert.deepEqual((await viaOther(u.id)).roles, ["comercial", "diretor"]);
    assert.equal(await ownedStarRows(api), 0, "applied, so not left in the outbox");
  });

  await t.step("a cache that is down: owed in the outbox, applied by a drain", async () => {
    const u = await createUser(api, { roles: ["comercial"] });
    assert.deepEqual((await viaOther(u.id)).roles, ["comercial"]);
    await grantInSql(api, u.id, "diretor");
    const real = api.stores.cache;
    const down: CacheStore = new Proxy(real, {
      get(target, prop) {
        const v = Reflect.get(target, prop);
        if (typeof v !== "function") return v;
        return () => Promise.reject(new Error("cache down"));
      },
    });
    await retireCachedReads({ relational: db, cache: down }, log);
    assert.equal(await ownedStarRows(api), 1);
    assert.deepEqual((await viaOther(u.id)).roles, ["comercial"], "not applied yet");

    await drainOutbox({ db, cache: real, cached: other, log });
    assert.equal(await ownedStarRows(api), 0);
    assert.deepEqual((await viaOther(u.id)).roles, ["comercial", "diretor"]);
  });
});
