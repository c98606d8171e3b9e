// Suggestions, feedback and stats on both profiles: related insights ranked with their score
// parts, never another user's or an already linked one; accept links, reject hides; stats count
// what the caller has, show the acceptance rate, and come from the cache until a write drops it.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";
import type { Stats, Suggestion } from "../../src/insights/schemas.ts";
import { drain, postInsight } from "./helpers.ts";

apiTest("insights: suggestions, feedback and stats", async (t, api) => {
  const user = await createUser(api);
  const other = await createUser(api);
  const a = await postInsight(api, user, {
    title: "Pricing review for Acme Corp",
    body: "Acme Corp asks for a pricing review of the enterprise plans",
    tags: ["pricing", "acme"],
  });
  const b = await postInsight(api, user, {
    title: "Acme Corp enterprise pricing",
    body: "Enterprise plans pricing discount for Acme Corp",
    tags: ["pricing"],
    source: "call",
  });
  const c = await postInsight(api, user, {
    title: "Office plants",
    body: "Water the ferns on Fridays",
    tags: ["office"],
  });
  const d = await postInsight(api, user, {
    title: "Pricing of support plans",
    body: "Support plans pricing for enterprise customers",
    tags: ["pricing"],
  });
  const theirs = await postInsight(api, other, {
    title: "Acme Corp pricing review",
    body: "Acme Corp enterprise plans pricing review",
  });
  await drain(api);
  const suggestions = async (qs: string, token = user.token) => {
    const res = await api.request("GET", `/api/v1/suggestions?${qs}`, { token });
    const body = await json<{ items: Suggestion[] }>(res);
    assert.equal(res.status, 200, JSON.stringify(body));
    return body.items;
  };

  await t.step("related insights first, with their score parts; never another user's", async () => {
    const items = await suggestions(`insight_id=${a.id}&min_score=0.05`);
    assert.equal(items[0].insight.id, b.id, JSON.stringify(items.map((i) => i.insight.title)));
    assert.ok(items[0].parts.text > 0 && items[0].parts.tags > 0);
    assert.ok(items[0].parts.graph > 0, "shared tag node: graph proximity");
    assert.ok(items.every((i) => i.insight.id !== a.id && i.insight.id !== theirs.id));
    assert.ok(!items.some((i) => i.insight.id === c.id), "unrelated insight under min_score");
    for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].score >= items[i].score);
    const byQuery = await suggestions("q=pricing%20enterprise&limit=2");
    assert.equal(byQuery.length, 2);
    assert.ok(byQuery.every((i) => i.insight.owner_id === user.id));
    const hidden = await api.request("GET", `/api/v1/suggestions?insight_id=${a.id}`, {
      token: other.token,
    });
    assert.equal(hidden.status, 404);
    await hidden.body?.cancel();
    for (const qs of ["", `insight_id=${a.id}&q=x`, `insight_id=${a.id}&min_score=2`]) {
      const res = await api.request("GET", `/api/v1/suggestions?${qs}`, { token: user.token });
      assert.equal(res.status, 422, qs);
      await res.body?.cancel();
    }
  });

  await t.step("accept links the two; reject hides the pair", async () => {
    const acc = await api.request("POST", `/api/v1/suggestions/${a.id}.${b.id}/feedback`, {
      token: user.token,
      body: { decision: "accept" },
    });
    const accepted = await json<{ relationship: { origin: string; target_id: string } }>(acc);
    assert.equal(acc.status, 200, JSON.stringify(accepted));
    assert.equal(accepted.relationship.origin, "suggestion");
    assert.equal(accepted.relationship.target_id, b.id);
    const rej = await api.request("POST", `/api/v1/suggestions/${a.id}.${d.id}/feedback`, {
      token: user.token,
      body: { decision: "reject" },
    });
    assert.equal(rej.status, 200);
    await rej.body?.cancel();
    const left = await suggestions(`insight_id=${a.id}&min_score=0`);
    assert.ok(!left.some((i) => i.insight.id === b.id || i.insight.id === d.id));
    const cross = await api.request("POST", `/api/v1/suggestions/${a.id}.${theirs.id}/feedback`, {
      token: user.token,
      body: { decision: "accept" },
    });
    assert.equal(cross.status, 404);
    await cross.body?.cancel();
    const bad = await api.request("POST", `/api/v1/suggestions/nope/feedback`, {
      token: user.token,
      body: { decision: "accept" },
    });
    assert.equal(bad.status, 422);
    await bad.body?.cancel();
  });

  await t.step(
    "stats count the caller's insights and come from the cache until a write",
    async () => {
      const first = await api.request("GET", "/api/v1/stats", { token: user.token });
      const s = await json<Stats>(first);
      assert.equal(first.status, 200, JSON.stringify(s));
      assert.equal(s.total, 4);
      assert.deepEqual(s.by_status, [{ key: "pending", count: 4 }]);
      assert.deepEqual(s.by_tag[0], { key: "pricing", count: 3 });
      assert.deepEqual(s.by_source, [{ key: "manual", count: 3 }, { key: "call", count: 1 }]);
      assert.equal(s.by_day.reduce((n, d) => n + d.count, 0), 4);
      assert.equal(s.relationships, 1);
      assert.deepEqual(s.suggestions, { accepted: 1, rejected: 1, acceptance_rate: 0.5 });
      assert.ok(s.graph.nodes >= 5 && s.graph.density > 0);
      const again = await api.request("GET", "/api/v1/stats", { token: user.token });
      assert.equal(again.headers.get("X-Cache"), "hit");
      await again.body?.cancel();
      await postInsight(api, user, { title: "One more", tags: ["pricing"] });
      const after = await api.request("GET", "/api/v1/stats", { token: user.token });
      assert.equal(after.headers.get("X-Cache"), "miss");
      assert.equal((await json<Stats>(after)).total, 5);
      const theirStats = await json<Stats>(
        await api.request("GET", "/api/v1/stats", { token: other.token }),
      );
      assert.equal(theirStats.total, 1);
    },
  );
});
