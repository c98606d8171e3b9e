// Cached first pages of filtered company lists: a page is served from the cache until any company
// write, on this instance at once and on another instance sharing the cache as soon as it hears
// the generation move; callers narrowed to their companies, later pages and searches never share
// a cached page.
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { plainListKey } from "../../src/crm/engine/list_cache.ts";
import { resourceByTable } from "../../src/crm/registry/mod.ts";
import { startGenerationSync } from "../../src/caching/generation_sync.ts";
import { createLogger } from "../../src/log.ts";
import { apiTest, createUser, json } from "../support/api.ts";
import { readUntil } from "../support/read_until.ts";

interface Page {
  items: { id: string; name: string }[];
  next_cursor: string | null;
}

apiTest("list cache: filtered first pages of companies", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const segment = `seg-${crypto.randomUUID().slice(0, 8)}`;
  const list = `/api/v1/companies?segment=${segment}&limit=2&sort=-created_at`;
  const key = `${
    plainListKey(resourceByTable("companies"))
  }?limit=2&segment=${segment}&sort=-created_at`;

  const logger = createLogger("silent");
  const other = createApp(api.stores, api.app.deps.config, { logger });
  const stopOther = await startGenerationSync(
    { cache: api.stores.cache, cached: other.deps.cached, log: logger },
    { retryEveryMs: 200 },
  );
  const onOther = async (path: string) =>
    await json<Page>(
      await other.request(path, { headers: { Authorization: `Bearer ${admin.token}` } }),
    );
  const get = async (path: string, token = admin.token) => {
    const res = await api.request("GET", path, { token });
    const body = await json<Page>(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    return body;
  };
  const create = async (name: string) => {
    const res = await api.request("POST", "/api/v1/companies", {
      token: admin.token,
      body: { name, segment },
    });
    const body = await json<{ id: string }>(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    return body.id;
  };
  const names = (p: Page) => p.items.map((i) => i.name);

  try {
    const first = await create("Cache First");
    const second = await create("Cache Second");
    const third = await create("Cache Third");

    await t.step("a filtered first page is cached under its sorted parameters", async () => {
      const page = await get(list);
      assert.deepEqual(names(page), ["Cache Third", "Cache Second"]);
      assert.notEqual(await api.stores.cache.get(key), null, "the page is in the cache");
      // The same page asked with its parameters in another order is the same entry.
      const reordered = await get(`/api/v1/companies?sort=-created_at&limit=2&segment=${segment}`);
      assert.deepEqual(reordered, page);
      assert.deepEqual(await onOther(list), page, "the other instance reads the same page");
    });

    await t.step("later pages and searches are not cached", async () => {
      const page = await get(list);
      assert.ok(page.next_cursor);
      const next = await get(`${list}&cursor=${encodeURIComponent(page.next_cursor)}`);
      assert.deepEqual(names(next), ["Cache First"]);
      const searched = await get(`/api/v1/companies?segment=${segment}&q=Cache`);
      assert.equal(searched.items.length, 3);
      const keys = await api.stores.cache.scan("list:companies*", 1000);
      assert.ok(keys.every((k) => !k.includes("cursor=") && !k.includes("q=")), keys.join(" "));
    });

    // cliente narrows a role that may read companies to the caller's own companies.
    await t.step("a company-scoped caller never gets the shared page", async () => {
      const client = await createUser(api, {
        roles: ["cliente", "comercial"],
        companyIds: [second],
      });
      const page = await get(list, client.token);
      assert.deepEqual(page.items.map((i) => i.id), [second]);
    });

    await t.step("a create shows on the next request, here and on the other instance", async () => {
      await create("Cache Fourth");
      assert.deepEqual(names(await get(list)), ["Cache Fourth", "Cache Third"]);
      // The other instance hears of the write over publish/subscribe, a moment after it.
      const seen = await readUntil(
        async () => names(await onOther(list)),
        (n) => n[0] === "Cache Fourth",
      );
      assert.deepEqual(seen, ["Cache Fourth", "Cache Third"]);
    });

    await t.step("an update and a delete made elsewhere show on the next request", async () => {
      const page = await get(list);
      const renamed = await other.request(`/api/v1/companies/${third}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${admin.token}` },
        body: JSON.stringify({ name: "Cache Third Renamed" }),
      });
      assert.equal(renamed.status, 200, await renamed.text());
      const seen = await readUntil(
        async () => names(await get(list)),
        (n) => n[1] === "Cache Third Renamed",
      );
      assert.deepEqual(seen, [names(page)[0], "Cache Third Renamed"]);

      const gone = await api.request("DELETE", `/api/v1/companies/${page.items[0].id}`, {
        token: admin.token,
      });
      assert.equal(gone.status, 204);
      assert.deepEqual(names(await get(list)), ["Cache Third Renamed", "Cache Second"]);
    });
    void first;
  } finally {
    await stopOther();
  }
});
