// The permission table and the app's routes must match exactly: a route without an entry would be
// refused at run time (deny by default), and an entry without a route is a stale or misspelt key.
import assert from "node:assert/strict";
import { openTestApi } from "../support/api.ts";

Deno.test({
  name: "every route has a permission entry and every entry a route",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const api = await openTestApi("embedded");
    try {
      const routes = new Set(
        api.app.routes.filter((r) => r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
      );
      const listed = new Set(Object.keys(api.app.permissions));
      const unlisted = [...routes].filter((k) => !listed.has(k)).sort();
      const stale = [...listed].filter((k) => !routes.has(k)).sort();
      assert.deepEqual(unlisted, [], `routes missing from the permission table: ${unlisted}`);
      assert.deepEqual(stale, [], `permission entries without a route: ${stale}`);
      // The auth slice is all there: the walk above is not vacuous.
      for (
        const key of [
          "POST /api/v1/auth/login",
          "GET /api/v1/auth/me",
          "GET /api/v1/users",
          "DELETE /api/v1/users/:id/companies/:company_id",
        ]
      ) assert.ok(routes.has(key) && listed.has(key), key);
    } finally {
      await api.close();
    }
  },
});
