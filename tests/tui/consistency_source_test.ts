import assert from "node:assert/strict";
import { apiTest, createUser } from "../support/api.ts";
import { drain, postInsight } from "../insights/helpers.ts";
import { apiConsistency, directConsistency } from "../../tui/consistency_source.ts";
import type { ConsistencySource } from "../../tui/ops_client.ts";

// The Consistency screen's two sources over real stores on both profiles: the insights service
// in-process, and the API's admin routes with a bearer token. Both see the outbox backlog and a
// node dropped from the graph behind the projector's back; each repairs it.
apiTest("tui consistency sources: in-process service and API routes", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const owner = await createUser(api);
  const direct = directConsistency(api.stores, api.app.deps.log);
  const viaApi = (token: string): ConsistencySource =>
    apiConsistency({ url: "http://tui.test", token, fetch: (req) => api.app.request(req) });
  const http = viaApi(admin.token);
  const sources = { direct, http };

  const ins = await postInsight(api, owner, { title: "Drift probe", body: "tui consistency" });

  await t.step("both see the outbox backlog and its age", async () => {
    for (const [name, source] of Object.entries(sources)) {
      const r = await source.report();
      assert.ok(r.outbox_backlog >= 1, `${name}: backlog ${r.outbox_backlog}`);
      assert.ok(r.oldest_outbox_age_ms !== null && r.oldest_outbox_age_ms >= 0, name);
      assert.ok(r.missing_in_graph.includes(ins.id), `${name}: not projected yet`);
    }
  });

  for (const [name, source] of Object.entries(sources)) {
    await t.step(
      `${name}: a node missing from the graph is drift, and repair restores it`,
      async () => {
        await drain(api);
        assert.ok(await api.stores.graph.getNode({ label: "Insight", id: ins.id }), "projected");
        const clean = await source.report();
        assert.ok(!clean.missing_in_graph.includes(ins.id), `${name}: projected, no drift`);
        await api.stores.graph.deleteNode({ label: "Insight", id: ins.id });
        const before = await source.report();
        assert.ok(before.missing_in_graph.includes(ins.id), name);
        assert.ok(before.drift >= 1);
        const r = await source.repair();
        assert.ok(r.repaired >= 1, `${name}: repaired ${r.repaired}`);
        assert.ok(!r.report.missing_in_graph.includes(ins.id), name);
        assert.ok(await api.stores.graph.getNode({ label: "Insight", id: ins.id }), "back");
        if (api.profile === "embedded") assert.equal(r.report.drift, 0);
      },
    );
  }

  await t.step(
    "the API's repair is audited; a non-admin token is refused with its reason",
    async () => {
      const audit = await api.stores.relational.query<{ user_id: string }>(
        `select user_id from audit_logs where action = 'repair'
         and resource_type = 'insights_consistency' and user_id = $1`,
        [admin.id],
      );
      assert.equal(audit.rows.length, 1);
      const err = await viaApi(owner.token).report().catch((e: Error) => e);
      assert.ok(err instanceof Error);
      assert.match(err.message, /GET \/api\/v1\/admin\/consistency answered 403: \S+/);
      const bad = await viaApi("not-a-token").repair().catch((e: Error) => e);
      assert.match(String(bad), /answered 401/);
    },
  );
});
