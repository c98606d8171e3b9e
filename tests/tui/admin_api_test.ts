import assert from "node:assert/strict";
import { apiTest, createUser } from "../support/api.ts";
import { postInsight } from "../insights/helpers.ts";
import { apiCacheStats } from "../../tui/admin_api.ts";
import { namespaceFamilies } from "../../tui/namespace_families.ts";

// The Cache screen's hit ratios come from the API process (the TUI reads nothing through the
// cache itself): GET /api/v1/admin/cache/stats, on both profiles, after reads the test makes.
apiTest("tui admin api: read-through hit ratio per namespace from the API", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const owner = await createUser(api);
  const target = (token: string) => ({
    url: "http://tui.test",
    token,
    fetch: (req: Request) => api.app.request(req),
  });

  await t.step("an insight read twice is one miss then one hit in its family", async () => {
    const ins = await postInsight(api, owner, { title: "Cached", body: "read me twice" });
    for (let i = 0; i < 2; i++) {
      const res = await api.request("GET", `/api/v1/insights/${ins.id}`, { token: owner.token });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    const stats = await apiCacheStats(target(admin.token))();
    assert.equal(stats.ratios_from, "http://tui.test");
    assert.ok(stats.keys !== null && stats.keys >= 1);
    const mine = stats.namespaces.find((n) => n.namespace.includes(ins.id));
    assert.deepEqual(mine && { hits: mine.hits, misses: mine.misses }, { hits: 1, misses: 1 });
    assert.equal(mine?.ratio, 0.5);
    const family = namespaceFamilies(stats.namespaces).find((f) => f.namespace === "insight:*");
    assert.ok(family && family.hits >= 1 && family.misses >= 1, JSON.stringify(family));
  });

  await t.step("a non-admin token is refused with the API's reason", async () => {
    const err = await apiCacheStats(target(owner.token))().catch((e: Error) => e);
    assert.match(String(err), /GET \/api\/v1\/admin\/cache\/stats answered 403: \S+/);
  });
});
