// The graph server dies mid-writes (server profile, a private Neo4j): every write is still
// acknowledged, the outbox holds what the graph owes, and once Neo4j is back the projector drains
// it. The private harness restarts Neo4j EMPTY, so what had been projected before the outage is
// then missing: the report names exactly those, and the repair brings the drift to 0 with every
// acknowledged insight in the graph at its document's version.
import assert from "node:assert/strict";
import { createUser, json, openTestApi, SERVER_VARS } from "../support/api.ts";
import { serverTest } from "../support/profile.ts";
import { freePort } from "../support/ports.ts";
import { createPrivateServer } from "../support/private_servers.ts";
import { consistencyReport, insightsDomain, repairConsistency } from "../../src/insights/mod.ts";
import type { Insight } from "../../src/insights/schemas.ts";
import { isolatedDatabases } from "./isolated.ts";

const until = async (what: string, fn: () => Promise<boolean>, ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

serverTest("insights: graph server stopped mid-writes [server]", SERVER_VARS, async (t) => {
  const neo4j = await createPrivateServer("neo4j", freePort(), freePort());
  const iso = await isolatedDatabases();
  await neo4j.start();
  const api = await openTestApi("server", {
    ...neo4j.env,
    ...iso.env,
    INSIGHTS_POLL_MS: "50",
    INSIGHTS_MAX_BACKOFF_MS: "300",
  });
  const stopJobs = await insightsDomain.jobs!(api.app.deps);
  try {
    const user = await createUser(api);
    const acked = new Map<string, Insight>();
    let writing = true;
    let failures = 0;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        const i = n++;
        const res = await api.request("POST", "/api/v1/insights", {
          token: user.token,
          body: { title: `Outage note ${i}`, body: `Graph outage test ${i}`, tags: [`o${i % 3}`] },
        });
        if (res.status === 201) {
          const ins = await json<Insight>(res);
          acked.set(ins.id, ins);
          if (i % 4 === 0) {
            const p = await api.request("PATCH", `/api/v1/insights/${ins.id}`, {
              token: user.token,
              body: { tags: ["patched"] },
            });
            // 412: the processing worker changed it first (a lost race, not an outage failure).
            if (p.status === 200) acked.set(ins.id, await json<Insight>(p));
            else if (p.status !== 412) failures++;
            if (p.status !== 200) await p.body?.cancel();
          }
        } else {
          failures++;
          await res.body?.cancel();
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const beforeOutage = new Set<string>();
    await t.step("writes are projected while the graph is up", async () => {
      await until("8 acknowledged writes", () => Promise.resolve(acked.size >= 8), 20_000);
      await until("the first writes in the graph", async () => {
        for (const id of [...acked.keys()].slice(0, 8)) {
          if (!(await api.stores.graph.getNode({ label: "Insight", id }))) return false;
        }
        return true;
      }, 20_000);
      for (const id of acked.keys()) beforeOutage.add(id);
    });

    await t.step("with Neo4j down every write is still acknowledged and owed", async () => {
      await neo4j.stop();
      const rels = await api.stores.relational.query<{ id: string }>(
        "select id from insight_relationships",
      );
      for (const r of rels.rows) beforeOutage.add(`relationship:${r.id}`);
      const at = acked.size;
      await until(
        "8 more writes during the outage",
        () => Promise.resolve(acked.size >= at + 8),
        30_000,
      );
      const r = await api.stores.relational.query<{ n: string }>(
        "select count(*)::text as n from insight_outbox where processed_at is null",
      );
      assert.ok(Number(r.rows[0].n) > 0, "the outbox holds what the graph owes");
      assert.equal(failures, 0, "no write failed because of the graph");
    });

    await t.step(
      "Neo4j returns: the backlog drains and every outage write is projected",
      async () => {
        await neo4j.start();
        await new Promise((r) => setTimeout(r, 500));
        writing = false;
        await writer;
        assert.equal(failures, 0);
        await until("an empty outbox", async () => {
          const r = await api.stores.relational.query<{ n: string }>(
            "select count(*)::text as n from insight_outbox where processed_at is null",
          );
          return r.rows[0].n === "0";
        }, 60_000).catch(async (err) => {
          const rows = await api.stores.relational.query(
            `select aggregate_type, attempts, next_attempt_at, last_error from insight_outbox
              where processed_at is null limit 5`,
          );
          console.error("DIAG", JSON.stringify(rows.rows));
          console.error(
            "DIAG",
            JSON.stringify(api.logs.filter((l) => l.level === "warn").slice(-6)),
          );
          throw err;
        });
        // Processing also bumps versions; wait until it is idle too, then for the outbox again.
        await until("processing done", async () => {
          const r = await api.stores.relational.query<{ n: string }>(
            `select count(*)::text as n from insight_jobs where status in ('queued', 'running')
            union all select count(*)::text from insight_outbox where processed_at is null`,
          );
          return r.rows.every((x) => x.n === "0");
        }, 60_000);
        const report = await consistencyReport(api.stores);
        assert.equal(report.outbox_backlog, 0);
        assert.deepEqual(report.missing_in_documents, []);
        // Only what the restarted (empty) Neo4j lost can be missing, never an outage write.
        for (const id of report.missing_in_graph) {
          assert.ok(beforeOutage.has(id), `outage write ${id} missing in the graph`);
        }
      },
    );

    await t.step(
      "the repair brings drift to 0 with every acknowledged insight in the graph",
      async () => {
        const admin = await createUser(api, { roles: ["admin"] });
        const res = await api.request("POST", "/api/v1/admin/consistency/repair", {
          token: admin.token,
        });
        const body = await json<{ repaired: number; report: { drift: number } }>(res);
        assert.equal(res.status, 200, JSON.stringify(body));
        assert.equal(body.report.drift, 0, JSON.stringify(body.report));
        for (const [id] of acked) {
          const raw = await api.stores.documents.collection("insights").findOne({ _id: id });
          const node = await api.stores.graph.getNode({ label: "Insight", id });
          assert.ok(node, `insight ${id} is in the graph`);
          assert.equal(node.props.version, raw?.version);
        }
        const again = await repairConsistency(api.stores, api.app.deps.log);
        assert.equal(again.repaired, 0);
        assert.equal(again.report.drift, 0);
      },
    );
  } finally {
    await stopJobs();
    for (const c of await api.stores.documents.listCollections().catch(() => [])) {
      await api.stores.documents.dropCollection(c).catch(() => {});
    }
    await api.close();
    await neo4j.close();
    await iso.drop();
  }
});
