// Processing on a small PT+EN corpus (both profiles): keywords, entities and auto relationships
// between similar insights only; then manual relationships (409 on a duplicate, 404 on another
// user's insight), the graph projection of it all, the mind map (depth, limit, truncated), and a
// processor that keeps failing marks the insight failed with its reason after the last attempt.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";
import { consistencyReport, insightCtx } from "../../src/insights/mod.ts";
import { processOnce, startProcessing } from "../../src/insights/processing.ts";
import type { Insight, Mindmap, Relationship } from "../../src/insights/schemas.ts";
import { drain, postInsight, processAll } from "./helpers.ts";

apiTest("insights: processing, relationships, graph and mind map", async (t, api) => {
  const user = await createUser(api);
  const other = await createUser(api);
  const a = await postInsight(api, user, {
    title: "Acme Corp pricing review",
    body: "Acme Corp wants a pricing review. Write to maria@acme.com about the pricing " +
      "proposal of R$ 5.000 before 2026-12-20. See https://acme.example/pricing for the plans.",
    tags: ["sales", "pricing"],
  });
  const b = await postInsight(api, user, {
    title: "Pricing proposal for Acme Corp",
    body: "Discount on the pricing review for Acme Corp enterprise plans.",
    tags: ["pricing"],
  });
  const c = await postInsight(api, user, {
    title: "Reunião sobre treinamento",
    body: "Reunião com João Silva sobre o treinamento da equipe de vendas.",
    tags: ["equipe"],
  });
  const d = await postInsight(api, user, {
    title: "Cronograma de treinamento",
    body: "João Silva propõe novo cronograma de treinamento da equipe de vendas.",
    tags: ["equipe"],
  });
  const theirs = await postInsight(api, other, { title: "Pricing of Acme Corp", body: "pricing" });
  await processAll(api);

  const get = async (id: string, token = user.token) =>
    await json<Insight>(await api.request("GET", `/api/v1/insights/${id}`, { token }));
  const rels = async (id: string) =>
    (await json<{ items: Relationship[] }>(
      await api.request("GET", `/api/v1/relationships/${id}`, { token: user.token }),
    )).items;

  await t.step("keywords and entities are extracted and the status is processed", async () => {
    const pa = await get(a.id);
    assert.equal(pa.status, "processed");
    assert.ok(pa.keywords.includes("pricing"), pa.keywords.join());
    assert.ok(!pa.keywords.includes("the"));
    const ents = pa.entities.map((e) => `${e.type}:${e.text}`);
    for (
      const want of [
        "email:maria@acme.com",
        "url:https://acme.example/pricing",
        "money:R$ 5.000",
        "date:2026-12-20",
        "person_or_org:Acme Corp",
      ]
    ) assert.ok(ents.includes(want), `${want} in ${ents.join(" | ")}`);
    const pc = await get(c.id);
    assert.ok(pc.entities.some((e) => e.text === "João Silva"), JSON.stringify(pc.entities));
    assert.ok(pc.keywords.includes("treinamento"), pc.keywords.join());
    assert.ok(!pc.keywords.includes("sobre"), "Portuguese stop-words are dropped");
  });

  await t.step("auto relationships link similar insights only, with strength in 0..1", async () => {
    const ra = await rels(a.id);
    assert.deepEqual(ra.map((r) => [r.source_id, r.target_id].sort()), [[a.id, b.id].sort()]);
    assert.equal(ra[0].origin, "auto");
    assert.ok(ra[0].strength > 0 && ra[0].strength <= 1);
    const rc = await rels(c.id);
    assert.deepEqual(rc.map((r) => [r.source_id, r.target_id].sort()), [[c.id, d.id].sort()]);
    // Another user's similar insight is never linked to this user's.
    assert.ok(!(await rels(a.id)).some((r) => r.target_id === theirs.id));
  });

  let manual: Relationship;
  await t.step("manual relationships: 201, 409 on a duplicate, 404 across users", async () => {
    const res = await api.request("POST", "/api/v1/relationships", {
      token: user.token,
      body: { source_id: b.id, target_id: c.id, type: "contrasts", strength: 0.3 },
    });
    manual = await json<Relationship>(res);
    assert.equal(res.status, 201, JSON.stringify(manual));
    assert.equal(manual.origin, "manual");
    const dup = await api.request("POST", "/api/v1/relationships", {
      token: user.token,
      body: { source_id: c.id, target_id: b.id },
    });
    assert.equal(dup.status, 409);
    await dup.body?.cancel();
    const cross = await api.request("POST", "/api/v1/relationships", {
      token: user.token,
      body: { source_id: a.id, target_id: theirs.id },
    });
    assert.equal(cross.status, 404);
    await cross.body?.cancel();
    const self = await api.request("POST", "/api/v1/relationships", {
      token: user.token,
      body: { source_id: a.id, target_id: a.id },
    });
    assert.equal(self.status, 422);
    await self.body?.cancel();
    const notMine = await api.request("DELETE", `/api/v1/relationships/${manual.id}`, {
      token: other.token,
    });
    assert.equal(notMine.status, 404);
    await notMine.body?.cancel();
  });

  await t.step("the graph holds every insight, tag and relationship (no drift)", async () => {
    await drain(api);
    const g = api.stores.graph;
    for (const ins of [a, b, c, d]) {
      const node = await g.getNode({ label: "Insight", id: ins.id });
      assert.equal(node?.props.version, (await get(ins.id)).version);
    }
    assert.equal(await g.degree({ label: "Insight", id: b.id }, { types: ["RELATES_TO"] }), 2);
    assert.equal(
      await g.degree({ label: "Insight", id: a.id }, { types: ["TAGGED"], direction: "out" }),
      2,
    );
    const report = await consistencyReport(api.stores);
    assert.equal(report.outbox_backlog, 0);
    for (const ins of [a, b, c, d]) {
      assert.ok(!report.missing_in_graph.includes(ins.id));
      assert.ok(!report.version_mismatches.includes(ins.id));
    }
    if (api.profile === "embedded") assert.equal(report.drift, 0, JSON.stringify(report));
  });

  await t.step("mind map: insights and tags by depth; limit cuts with truncated", async () => {
    const m1 = await json<Mindmap>(
      await api.request("GET", `/api/v1/mindmap/${a.id}?depth=1`, { token: user.token }),
    );
    const ids = m1.nodes.map((n) => n.id).sort();
    assert.deepEqual(ids, [a.id, b.id, "tag:pricing", "tag:sales"].sort());
    assert.equal(m1.truncated, false);
    assert.ok(m1.edges.some((e) => e.kind === "relates_to" && e.strength !== null));
    const m2 = await json<Mindmap>(
      await api.request("GET", `/api/v1/mindmap/${a.id}?depth=2`, { token: user.token }),
    );
    assert.ok(m2.nodes.some((n) => n.id === c.id && n.depth === 2), JSON.stringify(m2.nodes));
    const cut = await json<Mindmap>(
      await api.request("GET", `/api/v1/mindmap/${a.id}?depth=3&limit=2`, { token: user.token }),
    );
    assert.equal(cut.truncated, true);
    assert.equal(cut.counts.nodes, 2);
    const bad = await api.request("GET", `/api/v1/mindmap/${a.id}?depth=4`, { token: user.token });
    assert.equal(bad.status, 422);
    await bad.body?.cancel();
    const hidden = await api.request("GET", `/api/v1/mindmap/${a.id}`, { token: other.token });
    assert.equal(hidden.status, 404);
    await hidden.body?.cancel();
  });

  await t.step("deleting a relationship and an insight removes their edges", async () => {
    const del = await api.request("DELETE", `/api/v1/relationships/${manual.id}`, {
      token: user.token,
    });
    assert.equal(del.status, 204);
    const delD = await api.request("DELETE", `/api/v1/insights/${d.id}`, { token: user.token });
    assert.equal(delD.status, 204);
    await drain(api);
    const g = api.stores.graph;
    assert.equal(await g.degree({ label: "Insight", id: b.id }, { types: ["RELATES_TO"] }), 1);
    assert.equal(await g.getNode({ label: "Insight", id: d.id }), null);
    assert.deepEqual(await rels(c.id), []);
    const audit = await api.stores.relational.query(
      `select action from audit_logs where resource_type = 'insight_relationships'
        and resource_id = $1 order by created_at`,
      [manual.id],
    );
    assert.deepEqual(audit.rows.map((r) => r.action), ["create", "delete"]);
  });

  await t.step("changed tags move the TAGGED edges (batch projection)", async () => {
    const before = await get(b.id);
    const res = await api.request("PATCH", `/api/v1/insights/${b.id}`, {
      token: user.token,
      body: { tags: ["Renewal", "Q4"] },
      headers: { "If-Match": `"${before.version}"` },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    await processAll(api);
    const tagged = await api.stores.graph.neighbours({ label: "Insight", id: b.id }, {
      types: ["TAGGED"],
      direction: "out",
    });
    assert.deepEqual(tagged.map((n) => n.node.id).sort(), ["q4", "renewal"]);
    const node = await api.stores.graph.getNode({ label: "Insight", id: b.id });
    assert.equal(node?.props.version, (await get(b.id)).version);
    assert.equal(node?.props.status, "processed");
  });

  await t.step("the document reads processing while its job runs, then processed", async () => {
    const p = await postInsight(api, user, { title: "Status probe", body: "status while working" });
    assert.equal(p.status, "pending");
    const ctx = insightCtx(api.app.deps);
    const seen: { status: string; version: number; etag: string | null }[] = [];
    const probe = async () => {
      const res = await api.request("GET", `/api/v1/insights/${p.id}`, { token: user.token });
      const body = await json<Insight>(res);
      seen.push({ status: body.status, version: body.version, etag: res.headers.get("etag") });
    };
    for (let i = 0; i < 10 && seen.length === 0; i++) {
      await processOnce(ctx, api.app.deps.log, { processors: [probe], maxBackoffMs: 10 });
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0].status, "processing");
    assert.equal(seen[0].version, p.version + 1, "the status change is a new version");
    assert.equal(seen[0].etag, `"${p.version + 1}"`);
    const done = await get(p.id);
    assert.equal(done.status, "processed");
    assert.equal(done.version, p.version + 2);
    assert.ok(done.keywords.includes("status"), done.keywords.join());
  });

  await t.step("a failed attempt goes back to pending with the reason until retried", async () => {
    const p = await postInsight(api, user, { title: "Flaky", body: "fails once" });
    const ctx = insightCtx(api.app.deps);
    let calls = 0;
    const flaky = () => ++calls === 1 ? Promise.reject(new Error("flaky step")) : Promise.resolve();
    await processOnce(ctx, api.app.deps.log, { processors: [flaky], maxBackoffMs: 10 });
    assert.equal(calls, 1);
    const retrying = await get(p.id);
    assert.equal(retrying.status, "pending");
    assert.match(retrying.status_reason ?? "", /attempt 1 failed, will retry: flaky step/);
    for (let i = 0; i < 20 && (await get(p.id)).status !== "processed"; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await processOnce(ctx, api.app.deps.log, { processors: [flaky], maxBackoffMs: 10 });
    }
    const done = await get(p.id);
    assert.equal(done.status, "processed");
    assert.equal(done.status_reason, null);
  });

  await t.step("a processor that keeps failing ends as failed with the reason", async () => {
    const e = await postInsight(api, user, { title: "Audio note", body: "to transcribe" });
    const ctx = insightCtx(api.app.deps);
    const boom = () => Promise.reject(new Error("transcriber unavailable"));
    for (let i = 0; i < 20; i++) {
      await processOnce(ctx, api.app.deps.log, {
        processors: [boom],
        maxAttempts: 2,
        maxBackoffMs: 10,
      });
      if ((await get(e.id)).status === "failed") break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const failed = await get(e.id);
    assert.equal(failed.status, "failed");
    const jobs = await api.stores.relational.query<{ status: string; attempts: number }>(
      "select status, attempts from insight_jobs where insight_id = $1",
      [e.id],
    );
    assert.deepEqual(jobs.rows, [{ status: "failed", attempts: 2 }]);
    assert.match(failed.status_reason ?? "", /after 2 attempts: transcriber unavailable/);
  });

  await t.step(
    "the running worker refills a free slot: a slow job holds back no other",
    async () => {
      const slow = await postInsight(api, user, { title: "Slow one", body: "waits for release" });
      let release = () => {};
      const held = new Promise<void>((r) => release = r);
      const gate = (doc: { _id: string }) => doc._id === slow.id ? held : Promise.resolve();
      const stop = startProcessing(insightCtx(api.app.deps), api.app.deps.log, {
        processors: [gate],
        concurrency: 4,
        intervalMs: 20,
      });
      const until = async (ok: () => Promise<boolean>) => {
        for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
          if (await ok()) return true;
          await new Promise((r) => setTimeout(r, 25));
        }
        return false;
      };
      try {
        assert.ok(await until(async () => (await get(slow.id)).status === "processing"));
        // Written while the slow job runs: a worker that waited for its whole batch would not
        // claim these before the slow one ended.
        const fast = [
          await postInsight(api, user, { title: "Fast one", body: "no wait" }),
          await postInsight(api, user, { title: "Fast two", body: "no wait" }),
        ];
        const statuses = async () =>
          await Promise.all(fast.map(async (f) => (await get(f.id)).status));
        await until(async () => (await statuses()).every((s) => s === "processed"));
        assert.deepEqual(await statuses(), ["processed", "processed"]);
        assert.equal((await get(slow.id)).status, "processing");
      } finally {
        release();
        await stop();
      }
      assert.equal((await get(slow.id)).status, "processed");
    },
  );
});
