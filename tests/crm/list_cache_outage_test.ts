// A cached list invalidated by an instance that cannot reach the cache: the invalidation goes to
// the outbox, and the other instances (whose cache works and holds the old list) apply it, so
// they stop serving the old pipeline stages within seconds instead of the hour the entry lives.
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { plainListKey } from "../../src/crm/engine/list_cache.ts";
import { resourceByTable } from "../../src/crm/registry/mod.ts";
import { createLogger } from "../../src/log.ts";
import { apiTest, createUser, json } from "../support/api.ts";
import { deadCache } from "../support/failing_stores.ts";
import { readUntil } from "../support/read_until.ts";

apiTest("list cache: a change made where the cache is down reaches the others", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const firstPage = async () =>
    await json<{ items: { id: string }[] }>(
      await api.request("GET", "/api/v1/pipeline-stages", { token: admin.token }),
    );
  const sort_order = -1_000_000 - Math.floor(Math.random() * 1_000_000);

  await t.step("the healthy instance holds the stage list in the cache", async () => {
    await firstPage();
    const key = plainListKey(resourceByTable("pipeline_stages"))!;
    assert.notEqual(await api.stores.cache.get(key), null, "the first page is cached");
  });

  let created = "";
  await t.step("an instance with a dead cache adds a stage first in order", async () => {
    const dead = createApp(
      { ...api.stores, cache: deadCache(api.stores.cache) },
      api.app.deps.config,
      {
        logger: createLogger("silent"),
      },
    );
    const res = await dead.request("/api/v1/pipeline-stages", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${admin.token}` },
      body: JSON.stringify({ name: `Outage ${sort_order}`, slug: `o${-sort_order}`, sort_order }),
    });
    const body = await json<{ id: string }>(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    created = body.id;
  });

  await t.step("the healthy instance lists it within seconds", async () => {
    const items = await readUntil(
      async () => (await firstPage()).items,
      (i) => i[0]?.id === created,
      { everyMs: 50 },
    );
    assert.equal(items[0]?.id, created, "the old cached list is still served");
  });

  const del = await api.request("DELETE", `/api/v1/pipeline-stages/${created}`, {
    token: admin.token,
  });
  assert.equal(del.status, 204);
});
