// Insight CRUD on both profiles: validation (422 with field paths), owner-only reach with admin
// and company readers, list filters and cursor pages, If-Match (412), soft delete, audit rows, and
// the admin consistency routes' refusal for non-admins.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";
import type { Insight } from "../../src/insights/schemas.ts";
import { newCompany, postInsight } from "./helpers.ts";

type Page = { items: Insight[]; next_cursor: string | null };
type Problem = { status: number; errors?: { path: string; message: string }[] };

apiTest("insights: CRUD, validation, reach, filters, If-Match, audit", async (t, api) => {
  const owner = await createUser(api);
  const other = await createUser(api);
  const admin = await createUser(api, { roles: ["admin"] });
  const company = await newCompany(api);
  const otherCompany = await newCompany(api);
  const client = await createUser(api, { roles: ["cliente"], companyIds: [company] });
  const otherClient = await createUser(api, { roles: ["cliente"], companyIds: [otherCompany] });
  const tag = `t${crypto.randomUUID().slice(0, 8)}`;

  let first: Insight;
  await t.step("create answers 201 with the insight, pending, version 1 and an ETag", async () => {
    const res = await api.request("POST", "/api/v1/insights", {
      token: owner.token,
      body: { title: "Pricing idea", body: "Lower the entry plan", tags: [tag, "pricing"] },
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("ETag"), '"1"');
    first = await json<Insight>(res);
    assert.equal(first.status, "pending");
    assert.equal(first.owner_id, owner.id);
    assert.deepEqual(first.tags, [tag, "pricing"]);
    assert.equal(first.source, "manual");
    assert.equal(first.company_id, null);
  });

  await t.step("bad bodies are 422 with field paths; no token is 401", async () => {
    const cases: [unknown, string][] = [
      [{ body: "no title" }, "title"],
      [{ title: "x", body: "y".repeat(20_001) }, "body"],
      [{ title: "x", colour: "red" }, "colour"],
      [{ title: "x", tags: ["a,b"] }, "tags.0"],
      // Refused, not trimmed: the document's pattern says exactly this.
      [{ title: "x", tags: ["ok", " lead"] }, "tags.1"],
      [{ title: "x", tags: ["\ttab"] }, "tags.0"],
      [{ title: "x", tags: ["trail\u00a0"] }, "tags.0"],
      [{ title: "x", company_id: "nope" }, "company_id"],
    ];
    for (const [body, path] of cases) {
      const res = await api.request("POST", "/api/v1/insights", { token: owner.token, body });
      const p = await json<Problem>(res);
      assert.equal(res.status, 422, JSON.stringify(p));
      assert.ok(p.errors?.some((e) => e.path === path), JSON.stringify(p.errors));
    }
    const res = await api.request("GET", "/api/v1/insights");
    assert.equal(res.status, 401);
    await res.body?.cancel();
  });

  await t.step("a tag filter with a space at either end is 422", async () => {
    for (const q of ["%20x", "x%09", "a%2Cb"]) {
      const res = await api.request("GET", `/api/v1/insights?tag=${q}`, { token: owner.token });
      const p = await json<Problem>(res);
      assert.equal(res.status, 422, `${q}: ${JSON.stringify(p)}`);
      assert.ok(p.errors?.some((e) => e.path === "tag"), JSON.stringify(p.errors));
    }
  });

  await t.step("the owner and admins read it; another user gets 404", async () => {
    for (
      const [user, status] of [[owner, 200], [admin, 200], [other, 404], [client, 404]] as const
    ) {
      const res = await api.request("GET", `/api/v1/insights/${first.id}`, { token: user.token });
      assert.equal(res.status, status, user.email);
      await res.body?.cancel();
    }
  });

  let linked: Insight;
  await t.step(
    "an insight linked to a company is read by that company's cliente only",
    async () => {
      linked = await postInsight(api, owner, {
        title: "Client feedback",
        body: "They want reports",
        company_id: company,
        tags: [tag],
        source: "meeting",
      });
      const ok = await api.request("GET", `/api/v1/insights/${linked.id}`, { token: client.token });
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
      const no = await api.request("GET", `/api/v1/insights/${linked.id}`, {
        token: otherClient.token,
      });
      assert.equal(no.status, 404);
      await no.body?.cancel();
      const list = await json<Page>(
        await api.request("GET", "/api/v1/insights?limit=200", { token: client.token }),
      );
      assert.deepEqual(list.items.map((i) => i.id), [linked.id]);
      // A company reader may not change it.
      const patch = await api.request("PATCH", `/api/v1/insights/${linked.id}`, {
        token: client.token,
        body: { title: "mine now" },
      });
      assert.equal(patch.status, 404);
      await patch.body?.cancel();
    },
  );

  await t.step("list filters (tag, status, source, q, dates) and cursor pages", async () => {
    for (let i = 0; i < 3; i++) {
      await postInsight(api, owner, { title: `Bulk ${i}`, body: "filler", tags: [tag] });
    }
    const get = async (qs: string) => {
      const res = await api.request("GET", `/api/v1/insights?${qs}`, { token: owner.token });
      const body = await json<Page>(res);
      assert.equal(res.status, 200, JSON.stringify(body));
      return body;
    };
    assert.equal((await get(`tag=${tag}&limit=200`)).items.length, 5);
    assert.deepEqual((await get(`tag=${tag}&source=meeting`)).items.map((i) => i.id), [linked.id]);
    assert.equal((await get(`tag=${tag}&status=pending`)).items.length, 5);
    assert.equal((await get(`tag=${tag}&status=processed`)).items.length, 0);
    assert.deepEqual((await get(`tag=${tag}&q=ENTRY%20plan`)).items.map((i) => i.id), [first.id]);
    assert.equal((await get(`tag=${tag}&created_gte=2000-01-01`)).items.length, 5);
    assert.equal((await get(`tag=${tag}&created_lte=2000-01-01`)).items.length, 0);
    // Other users see none of them.
    const theirs = await json<Page>(
      await api.request("GET", `/api/v1/insights?tag=${tag}`, { token: other.token }),
    );
    assert.equal(theirs.items.length, 0);
    // Pages of 2, newest first, no repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await get(
        `tag=${tag}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    assert.equal(seen[4], first.id);
    const bad = await api.request("GET", "/api/v1/insights?colour=red", { token: owner.token });
    assert.equal(bad.status, 422);
    await bad.body?.cancel();
  });

  await t.step("PATCH and PUT honour If-Match; a stale tag is 412", async () => {
    const stale = await api.request("PATCH", `/api/v1/insights/${first.id}`, {
      token: owner.token,
      headers: { "If-Match": '"7"' },
      body: { title: "New title" },
    });
    assert.equal(stale.status, 412);
    await stale.body?.cancel();
    const ok = await api.request("PATCH", `/api/v1/insights/${first.id}`, {
      token: owner.token,
      headers: { "If-Match": '"1"' },
      body: { title: "New title" },
    });
    const patched = await json<Insight>(ok);
    assert.equal(ok.status, 200);
    assert.equal(patched.title, "New title");
    assert.equal(patched.body, "Lower the entry plan");
    assert.equal(patched.version, 2);
    const put = await api.request("PUT", `/api/v1/insights/${first.id}`, {
      token: owner.token,
      headers: { "If-Match": '"2"' },
      body: { title: "Replaced", tags: [tag] },
    });
    const replaced = await json<Insight>(put);
    assert.equal(put.status, 200);
    assert.equal(replaced.body, "");
    assert.equal(replaced.version, 3);
    // The cached read shows the change at once.
    const read = await json<Insight>(
      await api.request("GET", `/api/v1/insights/${first.id}`, { token: owner.token }),
    );
    assert.equal(read.title, "Replaced");
    const byOther = await api.request("PATCH", `/api/v1/insights/${first.id}`, {
      token: other.token,
      body: { title: "x" },
    });
    assert.equal(byOther.status, 404);
    await byOther.body?.cancel();
  });

  await t.step("DELETE is soft: 204, then 404, and audit rows record each change", async () => {
    const del = await api.request("DELETE", `/api/v1/insights/${first.id}`, {
      token: owner.token,
    });
    assert.equal(del.status, 204);
    const gone = await api.request("GET", `/api/v1/insights/${first.id}`, { token: owner.token });
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    const again = await api.request("DELETE", `/api/v1/insights/${first.id}`, {
      token: owner.token,
    });
    assert.equal(again.status, 404);
    await again.body?.cancel();
    const audit = await api.stores.relational.query<{ action: string; user_id: string }>(
      `select action, user_id from audit_logs
        where resource_type = 'insights' and resource_id = $1 order by created_at`,
      [first.id],
    );
    assert.deepEqual(audit.rows.map((r) => r.action), ["create", "update", "update", "delete"]);
    assert.ok(audit.rows.every((r) => r.user_id === owner.id));
  });

  await t.step("consistency routes are for admins only", async () => {
    const no = await api.request("GET", "/api/v1/admin/consistency", { token: owner.token });
    assert.equal(no.status, 403);
    await no.body?.cancel();
    const noRepair = await api.request("POST", "/api/v1/admin/consistency/repair", {
      token: client.token,
    });
    assert.equal(noRepair.status, 403);
    await noRepair.body?.cancel();
    const ok = await api.request("GET", "/api/v1/admin/consistency", { token: admin.token });
    const report = await json<Record<string, unknown>>(ok);
    assert.equal(ok.status, 200);
    assert.equal(typeof report.outbox_backlog, "number");
    assert.ok(Array.isArray(report.missing_in_graph));
  });
});
