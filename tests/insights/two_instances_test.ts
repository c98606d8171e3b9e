// Two app instances over the same stores, each running the projector and the processing worker
// (both profiles): writes through both, and in the end every live relationship is exactly one
// RELATES_TO edge, no edge is left without one, every insight node is at its document's version
// with its tags, and every outbox row was applied once.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";
import { secondApp } from "../support/second_app.ts";
import { consistencyReport, insightsDomain } from "../../src/insights/mod.ts";
import type { Insight } from "../../src/insights/schemas.ts";

const TOPICS = [
  "pricing proposal discount enterprise plans Acme Corp",
  "treinamento equipe vendas cronograma João Silva",
  "server outage latency database failover incident",
];

apiTest("insights: two instances project without duplicate or lost edges", async (t, api) => {
  const b = secondApp(api);
  const stopA = await insightsDomain.jobs!(api.app.deps);
  const stopB = await insightsDomain.jobs!(b.app.deps);
  try {
    const user = await createUser(api);
    const ids: string[] = [];
    await t.step("writes through both instances are acknowledged", async () => {
      for (let round = 0; round < 4; round++) {
        const batch = Array.from({ length: 6 }, (_, i) => {
          const n = round * 6 + i;
          const body = {
            title: `Note ${n} ${TOPICS[n % 3].split(" ").slice(0, 2).join(" ")}`,
            body: `${TOPICS[n % 3]} item ${n}`,
            tags: [`topic${n % 3}`, `batch${round}`],
          };
          const via = n % 2 === 0 ? api.request : b.request;
          return via("POST", "/api/v1/insights", { token: user.token, body });
        });
        for (const res of await Promise.all(batch)) {
          const ins = await json<Insight>(res);
          assert.equal(res.status, 201, JSON.stringify(ins));
          ids.push(ins.id);
        }
      }
      // Manual links through B while the workers run; some may meet an auto link first (409).
      for (let i = 0; i + 3 < ids.length; i += 5) {
        const res = await b.request("POST", "/api/v1/relationships", {
          token: user.token,
          body: { source_id: ids[i], target_id: ids[i + 3], type: "follows" },
        });
        assert.ok(res.status === 201 || res.status === 409, String(res.status));
        await res.body?.cancel();
      }
    });

    await t.step("both instances' workers finish the queue and the outbox", async () => {
      const end = Date.now() + 60_000;
      for (;;) {
        const r = await api.stores.relational.query<{ n: string }>(
          `select count(*)::text as n from insight_jobs where status in ('queued', 'running')
           union all
           select count(*)::text from insight_outbox where processed_at is null`,
        );
        if (r.rows.every((x) => x.n === "0")) break;
        if (Date.now() > end) throw new Error(`not idle: ${JSON.stringify(r.rows)}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    });

    await t.step("every relationship is one edge; no edge without one", async () => {
      const rels = await api.stores.relational.query<
        { id: string; source_id: string; target_id: string }
      >(
        `select id, source_id, target_id from insight_relationships
          where deleted_at is null and owner_id = $1`,
        [user.id],
      );
      assert.ok(rels.rows.length >= 8, `auto links were made (${rels.rows.length})`);
      const g = api.stores.graph;
      const touching = new Map<string, number>();
      for (const r of rels.rows) {
        for (const id of [r.source_id, r.target_id]) touching.set(id, (touching.get(id) ?? 0) + 1);
        const sub = await g.subgraph({ label: "Insight", id: r.source_id }, {
          depth: 1,
          types: ["RELATES_TO"],
          direction: "out",
          limit: 1000,
        });
        const edges = sub.edges.filter((e) => e.from.id === r.source_id && e.to.id === r.target_id);
        assert.equal(edges.length, 1, `edge of relationship ${r.id}`);
        assert.equal(edges[0].props.rel_id, r.id);
      }
      for (const id of ids) {
        assert.equal(
          await g.degree({ label: "Insight", id }, { types: ["RELATES_TO"] }),
          touching.get(id) ?? 0,
          `RELATES_TO degree of ${id}`,
        );
        const doc = await api.stores.documents.collection("insights").findOne({ _id: id });
        const node = await g.getNode({ label: "Insight", id });
        assert.equal(node?.props.version, doc?.version);
        assert.equal(doc?.status, "processed");
        assert.equal(
          await g.degree({ label: "Insight", id }, { types: ["TAGGED"], direction: "out" }),
          2,
        );
      }
    });

    await t.step("each outbox row was applied once and no lease is left", async () => {
      const rows = await api.stores.relational.query<{ outcome: string | null; n: string }>(
        `select outcome, count(*)::text as n from insight_outbox o
          where o.aggregate_id = any($1::uuid[])
             or o.aggregate_id in (select id from insight_relationships where owner_id = $2)
          group by outcome`,
        [ids, user.id],
      );
      assert.ok(rows.rows.every((r) => r.outcome !== null), JSON.stringify(rows.rows));
      const leases = await api.stores.relational.query(
        "select 1 from insight_projection_leases where aggregate_id = any($1::uuid[])",
        [ids],
      );
      assert.equal(leases.rowCount, 0);
      const report = await consistencyReport(api.stores);
      for (const id of ids) {
        assert.ok(!report.missing_in_graph.includes(id));
        assert.ok(!report.version_mismatches.includes(id));
      }
      if (api.profile === "embedded") assert.equal(report.drift, 0, JSON.stringify(report));
    });
  } finally {
    await stopB();
    await stopA();
  }
}, { INSIGHTS_POLL_MS: "50", INSIGHTS_MAX_BACKOFF_MS: "300" });
