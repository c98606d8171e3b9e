// Lists and errors on both profiles: trigram search, sorts over nullable columns walked by cursor,
// range and array filters, bounded limits and refused cursors; 409 naming a unique field, 422
// naming a missing or soft-deleted reference, unknown fields and parameters, malformed ids; 409
// when deleting a referenced row; and the pipeline stage cache (hit, invalidation, outage).
import assert from "node:assert/strict";
import { plainListKey } from "../../src/crm/engine/list_cache.ts";
import { resourceByTable } from "../../src/crm/registry/mod.ts";

const PIPELINE_STAGES_KEY = plainListKey(resourceByTable("pipeline_stages"))!;
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { Fixtures, tag, walk } from "./fixtures.ts";

type Row = Record<string, unknown>;
type Problem = { status: number; detail: string; errors?: { path: string; message: string }[] };

async function problem(res: Response): Promise<Problem> {
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  return await json<Problem>(res);
}

const paths = (p: Problem) => (p.errors ?? []).map((e) => e.path).sort();

async function listItems(api: TestApi, token: string, url: string): Promise<Row[]> {
  const res = await api.request("GET", url, { token });
  const body = await json<{ items: Row[] }>(res);
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.items;
}

apiTest("crm: list features, validation and error mapping", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const token = admin.token;
  const fx = new Fixtures(api, token);
  const get = (url: string) => api.request("GET", url, { token });
  const post = (url: string, body: unknown) => api.request("POST", url, { token, body });

  await t.step("q: trigram search finds fuzzy and partial names, best match first", async () => {
    const t1 = tag();
    const exact = await fx.company({ name: `Zephyrine Filmes ${t1}` });
    const near = await fx.company({ name: `Zephyrine Films Studio ${t1}` });
    const unrelated = await fx.company({ name: `Unrelated ${tag()}` });
    const items = await listItems(
      api,
      token,
      `/api/v1/companies?q=${encodeURIComponent(`Zephyrine Filmes ${t1}`)}`,
    );
    assert.equal(items[0].id, exact.id);
    assert.ok(items.some((r) => r.id === near.id));
    // Fuzzy: similar names of earlier runs may match too, but not an unrelated one.
    assert.ok(!items.some((r) => r.id === unrelated.id));
    // A substring too short for the similarity threshold still matches through ILIKE.
    const sub = await listItems(api, token, `/api/v1/companies?q=${t1.slice(0, 6)}`);
    assert.deepEqual(sub.map((r) => r.id).sort(), [exact.id, near.id].sort());
    // Search pages walk like any other order.
    const ids = await walk(api, token, `/api/v1/companies?q=${t1}&limit=1`);
    assert.deepEqual([...ids].sort(), [exact.id, near.id].sort());

    const c = await fx.contact({ full_name: `Genoveva Prudencio ${t1}` });
    const s = await fx.supplier({ name: `Lumenforge Rentals ${t1}` });
    assert.equal((await listItems(api, token, `/api/v1/contacts?q=Genoveva%20${t1}`))[0].id, c.id);
    assert.equal(
      (await listItems(api, token, `/api/v1/suppliers?q=Lumenforge%20${t1}`))[0].id,
      s.id,
    );
  });

  await t.step("sort on a nullable column: nulls last, every row once under a cursor", async () => {
    const stage = await fx.stage();
    const values = [null, 10, 10, 20, null, 5];
    const made: Row[] = [];
    for (const value of values) made.push(await fx.deal({ stage_id: stage.id, value }));
    const byId = new Map(made.map((d) => [d.id, d.value]));
    for (const sort of ["value", "-value"]) {
      const ids = await walk(api, token, `/api/v1/deals?stage_id=${stage.id}&sort=${sort}&limit=2`);
      assert.equal(ids.length, values.length, sort);
      assert.equal(new Set(ids).size, values.length, sort);
      const got = ids.map((id) => byId.get(id));
      const nonNull = values.filter((v) => v !== null) as number[];
      nonNull.sort((a, b) => sort === "value" ? a - b : b - a);
      assert.deepEqual(got, [...nonNull, null, null], sort);
    }
    // range filters
    const mid = await listItems(
      api,
      token,
      `/api/v1/deals?stage_id=${stage.id}&value_gte=6&value_lte=10`,
    );
    assert.deepEqual(mid.map((d) => d.value), [10, 10]);
  });

  await t.step("cursor walk stays exact while rows are inserted between pages", async () => {
    const stage = await fx.stage();
    const first = [];
    for (let i = 0; i < 4; i++) first.push((await fx.deal({ stage_id: stage.id })).id);
    const url = `/api/v1/deals?stage_id=${stage.id}&limit=2`;
    const page1 = await json<{ items: Row[]; next_cursor: string }>(await get(url));
    await fx.deal({ stage_id: stage.id }); // newer than everything: sorts before the cursor
    const rest = await walk(api, token, `${url}&cursor=${encodeURIComponent(page1.next_cursor)}`);
    const seen = [...page1.items.map((r) => r.id), ...rest];
    assert.deepEqual([...seen].sort(), [...first].sort());
  });

  await t.step("date, timestamp and array filters", async () => {
    const c = await fx.company();
    const a = await fx.invoice({ company_id: c.id, due_date: "2026-03-01" });
    await fx.invoice({ company_id: c.id, due_date: "2026-05-01" });
    const due = await listItems(
      api,
      token,
      `/api/v1/invoices?company_id=${c.id}&due_date_lte=2026-04-01`,
    );
    assert.deepEqual(due.map((r) => r.id), [a.id]);
    const later = await listItems(
      api,
      token,
      `/api/v1/invoices?company_id=${c.id}&created_at_gte=2000-01-01&created_at_lte=2000-01-02`,
    );
    assert.deepEqual(later, []);
    const p = await fx.project();
    const t1 = tag();
    const tagged = await fx.task({ project_id: p.id, tags: [t1, "x"] });
    await fx.task({ project_id: p.id, tags: ["x"] });
    const hit = await listItems(api, token, `/api/v1/tasks?project_id=${p.id}&tags=${t1}`);
    assert.deepEqual(hit.map((r) => r.id), [tagged.id]);
  });

  await t.step("limit bounds, unknown parameters, bad sort and tampered cursors: 422", async () => {
    for (const q of ["limit=0", "limit=201", "limit=abc"]) {
      const p = await problem(await get(`/api/v1/companies?${q}`));
      assert.equal(p.status, 422, q);
      assert.deepEqual(paths(p), ["limit"], q);
    }
    const ok = await get("/api/v1/companies?limit=200");
    assert.equal(ok.status, 200);
    const unknown = await problem(await get("/api/v1/companies?colour=red&password=x"));
    assert.equal(unknown.status, 422);
    assert.deepEqual(paths(unknown), ["colour", "password"]);
    // PostgreSQL text cannot hold NUL: the search names q rather than the store refusing it.
    const nul = await problem(await get("/api/v1/contacts?q=a%00"));
    assert.equal(nul.status, 422);
    assert.deepEqual(paths(nul), ["q"]);
    const badSort = await problem(await get("/api/v1/companies?sort=cnpj"));
    assert.deepEqual(paths(badSort), ["sort"]);
    const badFilter = await problem(await get("/api/v1/leads?status=hot&score_gte=x"));
    assert.deepEqual(paths(badFilter), ["score_gte", "status"]);
    for (const cursor of ["garbage", btoa('{"s":"x"}')]) {
      const p = await problem(await get(`/api/v1/companies?cursor=${cursor}`));
      assert.deepEqual(paths(p), ["cursor"]);
    }
    // A cursor made under one sort is refused under another.
    for (let i = 0; i < 2; i++) await fx.company();
    const page = await json<{ next_cursor: string }>(await get("/api/v1/companies?limit=1"));
    const other = await problem(
      await get(`/api/v1/companies?limit=1&sort=name&cursor=${page.next_cursor}`),
    );
    assert.equal(other.status, 422);
  });

  await t.step("malformed ids are 422 on the path parameter; unknown ids 404", async () => {
    const p = await problem(await get("/api/v1/companies/not-a-uuid"));
    assert.equal(p.status, 422);
    assert.deepEqual(paths(p), ["id"]);
    const nested = await problem(await get("/api/v1/leads/nope/interactions"));
    assert.deepEqual(paths(nested), ["id"]);
    assert.equal((await get(`/api/v1/companies/${crypto.randomUUID()}`)).status, 404);
    assert.equal((await get(`/api/v1/leads/${crypto.randomUUID()}/interactions`)).status, 404);
    // An interaction is reached only under its own lead.
    const lead = await fx.lead();
    const other = await fx.lead();
    const it = await fx.post(`leads/${lead.id}/interactions`, {
      interaction_type: "note",
      channel: "crm",
    });
    assert.equal((await get(`/api/v1/leads/${lead.id}/interactions/${it.id}`)).status, 200);
    assert.equal((await get(`/api/v1/leads/${other.id}/interactions/${it.id}`)).status, 404);
  });

  await t.step("bodies: unknown and server-set fields, ranges, enums, formats: 422", async () => {
    const unknown = await problem(
      await post("/api/v1/companies", { name: "X", colour: "red", id: crypto.randomUUID() }),
    );
    assert.equal(unknown.status, 422);
    assert.deepEqual(paths(unknown), ["colour", "id"]);
    const readOnly = await problem(
      await post("/api/v1/agents", {
        name: `A ${tag()}`,
        slug: `a-${tag()}`,
        crew: "x",
        model_primary: "m",
        total_cost: 1,
      }),
    );
    assert.deepEqual(paths(readOnly), ["total_cost"]);
    const bad = await problem(
      await post("/api/v1/leads", { source: "", score: 101, temperature: "boiling" }),
    );
    assert.deepEqual(paths(bad), ["score", "source", "temperature"]);
    const formats = await problem(
      await post("/api/v1/contacts", {
        full_name: "A",
        email: "nope",
        linkedin_url: "javascript:alert(1)",
      }),
    );
    assert.deepEqual(paths(formats), ["email", "linkedin_url"]);
    const money = await problem(
      await post("/api/v1/contracts", {
        contract_number: `C-${tag()}`,
        company_id: crypto.randomUUID(),
        title: "t",
        total_value: 10.123,
      }),
    );
    assert.deepEqual(paths(money), ["total_value"]);
    const missing = await problem(await post("/api/v1/projects", {}));
    assert.deepEqual(paths(missing), ["company_id", "name"]);
    const c = await fx.company();
    const empty = await api.request("PATCH", `/api/v1/companies/${c.id}`, { token, body: {} });
    assert.equal(empty.status, 422);
    const notNull = await api.request("PATCH", `/api/v1/companies/${c.id}`, {
      token,
      body: { name: null },
    });
    assert.deepEqual(paths(await problem(notNull)), ["name"]);
  });

  await t.step("unique violations are 409 naming the field", async () => {
    const cnpj = tag();
    await fx.company({ cnpj });
    const p = await problem(await post("/api/v1/companies", { name: "Dup", cnpj }));
    assert.equal(p.status, 409);
    assert.deepEqual(paths(p), ["cnpj"]);
    const k = await fx.contract();
    const dupContract = await problem(
      await post("/api/v1/contracts", {
        contract_number: k.contract_number,
        company_id: k.company_id,
        title: "t",
        total_value: 1,
      }),
    );
    assert.deepEqual([dupContract.status, paths(dupContract)], [409, ["contract_number"]]);
    const ag = await fx.agent();
    const dupSlug = await problem(
      await post("/api/v1/agents", {
        name: `Other ${tag()}`,
        slug: ag.slug,
        crew: "x",
        model_primary: "m",
      }),
    );
    assert.deepEqual([dupSlug.status, paths(dupSlug)], [409, ["slug"]]);
    // Also on update.
    const other = await fx.company();
    const upd = await problem(
      await api.request("PATCH", `/api/v1/companies/${other.id}`, { token, body: { cnpj } }),
    );
    assert.deepEqual([upd.status, paths(upd)], [409, ["cnpj"]]);
  });

  await t.step("missing or soft-deleted references are 422 naming the field", async () => {
    const fk = await problem(
      await post("/api/v1/deals", { title: "t", stage_id: crypto.randomUUID() }),
    );
    assert.deepEqual([fk.status, paths(fk)], [422, ["stage_id"]]);
    const fk2 = await problem(
      await post("/api/v1/payments", { invoice_id: crypto.randomUUID(), amount: 1, method: "pix" }),
    );
    assert.deepEqual([fk2.status, paths(fk2)], [422, ["invoice_id"]]);
    const c = await fx.company();
    assert.equal(
      (await api.request("DELETE", `/api/v1/companies/${c.id}`, { token })).status,
      204,
    );
    const soft = await problem(
      await post("/api/v1/contacts", { full_name: "A", company_id: c.id }),
    );
    assert.deepEqual([soft.status, paths(soft)], [422, ["company_id"]]);
    // The soft-deleted company is hidden from lists and reads.
    assert.equal((await get(`/api/v1/companies/${c.id}`)).status, 404);
    const listed = await listItems(
      api,
      token,
      `/api/v1/companies?q=${encodeURIComponent(String(c.name))}`,
    );
    assert.ok(!listed.some((r) => r.id === c.id));
  });

  await t.step("deleting a row other rows still reference is 409", async () => {
    const stage = await fx.stage();
    await fx.deal({ stage_id: stage.id });
    const p = await problem(
      await api.request("DELETE", `/api/v1/pipeline-stages/${stage.id}`, { token }),
    );
    assert.equal(p.status, 409);
    assert.equal((await get(`/api/v1/pipeline-stages/${stage.id}`)).status, 200);
  });

  await t.step("If-Match: * and weak forms match; a wrong tag is 412", async () => {
    const c = await fx.company();
    const read = await get(`/api/v1/companies/${c.id}`);
    const etag = read.headers.get("ETag") ?? "";
    const weak = await api.request("PATCH", `/api/v1/companies/${c.id}`, {
      token,
      body: { notes: "a" },
      headers: { "If-Match": `W/${etag}` },
    });
    assert.equal(weak.status, 200);
    const star = await api.request("PATCH", `/api/v1/companies/${c.id}`, {
      token,
      body: { notes: "b" },
      headers: { "If-Match": "*" },
    });
    assert.equal(star.status, 200);
    const wrong = await api.request("PATCH", `/api/v1/companies/${c.id}`, {
      token,
      body: { notes: "c" },
      headers: { "If-Match": '"nope", "other"' },
    });
    assert.equal((await problem(wrong)).status, 412);
    const none = await api.request("PATCH", `/api/v1/companies/${c.id}`, {
      token,
      body: { notes: "d" },
    });
    assert.equal(none.status, 200, "If-Match is optional");
  });

  await t.step("pipeline stages: cached for an hour, dropped on change, DB on outage", async () => {
    const cache = api.stores.cache;
    await cache.del(PIPELINE_STAGES_KEY);
    const first = await listItems(api, token, "/api/v1/pipeline-stages");
    assert.ok(first.some((s) => s.slug === "prospeccao"));
    const ttl = await cache.ttl(PIPELINE_STAGES_KEY);
    assert.ok(ttl !== null && ttl > 59 * 60 * 1000 && ttl <= 60 * 60 * 1000, `ttl ${ttl}`);
    // The cached page is the answer's JSON text.
    const cached = JSON.parse((await cache.get(PIPELINE_STAGES_KEY))!).v.json;
    assert.deepEqual(JSON.parse(cached).items, first);

    // Below every stage a previous run on the shared server database could have left behind.
    const top = -Math.floor(Date.now() / 1000);
    const stage = await fx.stage({ sort_order: top });
    assert.equal(await cache.get(PIPELINE_STAGES_KEY), null, "create drops the cached list");
    const second = await listItems(api, token, "/api/v1/pipeline-stages");
    assert.equal(second[0].id, stage.id);

    await api.request("PATCH", `/api/v1/pipeline-stages/${stage.id}`, {
      token,
      body: { name: "Renamed" },
    });
    assert.equal(await cache.get(PIPELINE_STAGES_KEY), null, "update drops it");
    assert.equal((await listItems(api, token, "/api/v1/pipeline-stages"))[0].name, "Renamed");
    await api.request("DELETE", `/api/v1/pipeline-stages/${stage.id}`, { token });
    assert.equal(await cache.get(PIPELINE_STAGES_KEY), null, "delete drops it");

    // Outage: every cache call fails; the list still answers, from the database.
    const original = { get: cache.get, set: cache.set, del: cache.del };
    const down = () => Promise.reject(new Error("cache down"));
    Object.assign(cache, { get: down, set: down, del: down });
    try {
      const during = await listItems(api, token, "/api/v1/pipeline-stages");
      assert.ok(!during.some((s) => s.id === stage.id));
      const made = await fx.stage({ sort_order: top - 1 });
      assert.equal((await listItems(api, token, "/api/v1/pipeline-stages"))[0].id, made.id);
      const del = await api.request("DELETE", `/api/v1/pipeline-stages/${made.id}`, { token });
      assert.equal(del.status, 204, "a change while the cache is down still succeeds");
    } finally {
      Object.assign(cache, original);
    }
    assert.ok(api.logs.some((l) => l.level === "warn" && /cache/.test(String(l.msg))));
  });
});
