// A forced restore over a deployment whose company lists, dashboard summaries and grants are
// cached, through the admin route and from another process: the cached copies describe the tables before the restore, so
// what follows must come from the restored rows. Embedded only: a forced restore rewrites the whole deployment, which on the
// server profile is shared with the other test files.
import assert from "node:assert/strict";
import { createLogger } from "../../src/log.ts";
import { restoreBackup } from "../../src/ops/mod.ts";
import { createUser, json, openTestApi } from "../support/api.ts";
import { readUntil } from "../support/read_until.ts";

Deno.test({
  name:
    "restore: cached list pages, summaries and grants are dropped after a forced restore [embedded]",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const api = await openTestApi("embedded");
    try {
      const admin = await createUser(api, { roles: ["admin"] });
      const segment = `seg-${crypto.randomUUID().slice(0, 8)}`;
      const create = async (name: string) => {
        const res = await api.request("POST", "/api/v1/companies", {
          token: admin.token,
          body: { name, segment },
        });
        assert.equal(res.status, 201, await res.text());
      };
      const names = async () => {
        const res = await api.request("GET", `/api/v1/companies?segment=${segment}`, {
          token: admin.token,
        });
        assert.equal(res.status, 200);
        return (await json<{ items: { name: string }[] }>(res)).items.map((i) => i.name);
      };

      // A dashboard with one metric sample at backup time, and a second one after it.
      const board = await api.request("POST", "/api/v1/dashboards", {
        token: admin.token,
        body: { name: "Restored" },
      });
      assert.equal(board.status, 201, await board.clone().text());
      const dashboard = (await json<{ id: string }>(board)).id;
      const addSample = async (minutesAgo: number) => {
        const res = await api.request("POST", `/api/v1/dashboards/${dashboard}/metrics`, {
          token: admin.token,
          body: {
            ia_efficiency: 0.9,
            model_accuracy: 0.9,
            processing_time_ms: 40,
            memory_usage_mb: 256,
            error_rate: 0.02,
            timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
          },
        });
        assert.equal(res.status, 201, await res.text());
      };
      const summary = async () => {
        const res = await api.request("GET", `/api/v1/dashboards/${dashboard}/metrics?period=all`, {
          token: admin.token,
        });
        assert.equal(res.status, 200);
        return {
          count: (await json<{ count: number }>(res)).count,
          cache: res.headers.get("X-Cache"),
        };
      };
      await addSample(10);

      // A user with no role at backup time, granted one afterwards (straight in the table, as a
      // restore writes it): the grants the caches hold after the grant must not outlive the restore.
      const later = await createUser(api, { roles: [] });
      await create("Before Backup");
      const started = await api.request("POST", "/api/v1/admin/backups", { token: admin.token });
      assert.equal(started.status, 202, await started.clone().text());
      const { id } = await json<{ id: string }>(started);
      const state = await readUntil(
        async () => {
          const run = await api.request("GET", `/api/v1/admin/backups/${id}`, {
            token: admin.token,
          });
          return (await json<{ state: string }>(run)).state;
        },
        (s) => s !== "running",
        { ms: 60_000, everyMs: 100 },
      );
      assert.equal(state, "succeeded");

      await api.stores.relational.query(
        `insert into user_roles (user_id, role_id) select $1, id from roles where name = 'comercial'`,
        [later.id],
      );
      const asLater = async () =>
        (await api.request("GET", "/api/v1/companies?limit=1", { token: later.token })).status;
      assert.equal(await asLater(), 200, "the granted role reads companies");
      await create("After Backup");
      assert.deepEqual(await names(), ["After Backup", "Before Backup"]);
      assert.deepEqual(await names(), ["After Backup", "Before Backup"], "served from the cache");
      await addSample(5);
      assert.equal((await summary()).count, 2);
      assert.deepEqual(await summary(), { count: 2, cache: "hit" });

      const restored = await api.request("POST", `/api/v1/admin/backups/${id}/restore`, {
        token: admin.token,
        body: { force: true, confirm_id: id },
      });
      assert.equal(restored.status, 200, await restored.clone().text());
      assert.deepEqual(await names(), ["Before Backup"]);
      assert.equal((await summary()).count, 1, "the summary comes from the restored samples");
      // The grant made after the backup is gone with it, and so are its cached copies.
      assert.equal(await readUntil(asLater, (status) => status === 403), 403);

      // A restore from another process (the CLI, the TUI) reaches this instance's copies through
      // the generation announcement, a moment after it.
      await create("After Route Restore");
      assert.deepEqual(await names(), ["After Route Restore", "Before Backup"]);
      const elsewhere = {
        stores: api.stores,
        config: api.app.deps.config,
        log: createLogger("silent"),
        now: Date.now,
      };
      const report = await restoreBackup(elsewhere, id, { force: true, confirmId: id });
      assert.ok(report.proof.ok);
      assert.deepEqual(await readUntil(names, (seen) => seen.length === 1), ["Before Backup"]);
    } finally {
      await api.close();
    }
  },
});
