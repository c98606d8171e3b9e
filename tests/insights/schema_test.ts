// The `insights` collection's $jsonSchema on both profiles: a document that breaks it (wrong type,
// unknown status, missing field, extra field, over-long body) is refused by the documents store
// with an `invalid` StoreError and never stored; a conforming one goes through; and the server
// validator is reported as installed only where the server has validators (not FerretDB 1.x).
import assert from "node:assert/strict";
import { apiTest, createUser } from "../support/api.ts";
import { ensureInsightIndexes, insightsOf } from "../../src/insights/documents.ts";
import { INSIGHT_JSON_SCHEMA, violations } from "../../src/insights/insight_schema.ts";
import { isStoreError } from "../../src/stores/errors.ts";
import { postInsight } from "./helpers.ts";

function validDoc(ownerId: string): Record<string, unknown> & { _id: string } {
  const now = new Date();
  return {
    _id: crypto.randomUUID(),
    title: "Schema probe",
    body: "conforming",
    tags: ["schema"],
    source: "manual",
    status: "pending",
    status_reason: null,
    keywords: [],
    entities: [{ type: "email", text: "a@b.example" }],
    owner_id: ownerId,
    company_id: null,
    audio_key: null,
    version: 1,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
}

Deno.test("insight $jsonSchema: violations names each broken field", () => {
  const ok = validDoc(crypto.randomUUID());
  assert.deepEqual(violations(INSIGHT_JSON_SCHEMA, ok), []);
  const bad = {
    ...ok,
    status: "archived",
    version: 1.5,
    tags: ["", 3],
    created_at: "2026-01-01",
    extra: true,
  } as Record<string, unknown>;
  delete bad.title;
  const found = violations(INSIGHT_JSON_SCHEMA, bad).join("\n");
  for (const want of ["title: is required", "status:", "version:", "tags.0:", "tags.1:"]) {
    assert.ok(found.includes(want), `${want} in\n${found}`);
  }
  assert.match(found, /created_at: must be date/);
  assert.match(found, /extra: not allowed/);
});

apiTest("insights: the collection's schema refuses bad documents", async (t, api) => {
  const user = await createUser(api);
  const col = insightsOf(api.stores.documents);
  const refused = async (what: string, write: () => Promise<unknown>, field: string) => {
    await assert.rejects(write, (err) => {
      assert.ok(isStoreError(err, "invalid"), `${what}: ${err}`);
      assert.equal(err.field, field, `${what}: ${err.message}`);
      return true;
    });
  };

  await t.step("inserts that break the schema are refused and not stored", async () => {
    const base = validDoc(user.id);
    const cases: [string, Record<string, unknown>, string][] = [
      ["unknown status", { status: "archived" }, "status"],
      ["title not a string", { title: 42 }, "title"],
      ["body too long", { body: "x".repeat(20_001) }, "body"],
      ["version not an integer", { version: "1" }, "version"],
      ["date as text", { created_at: "2026-12-05T00:00:00Z" }, "created_at"],
      ["bad entity", { entities: [{ type: "planet", text: "Mars" }] }, "entities"],
      ["unknown field", { colour: "red" }, "colour"],
    ];
    for (const [what, change, field] of cases) {
      const doc = { ...base, ...change, _id: crypto.randomUUID() };
      await refused(what, () => col.insertOne(doc), field);
      assert.equal(await col.findOne({ _id: doc._id }), null, `${what} was stored`);
    }
    const missing = { ...base, _id: crypto.randomUUID() } as Record<string, unknown>;
    delete missing.owner_id;
    await refused("owner missing", () => col.insertOne(missing), "owner_id");
  });

  await t.step("updates that break it are refused; the document is unchanged", async () => {
    const ins = await postInsight(api, user, { title: "Guarded", body: "text" });
    await refused(
      "bad status",
      () => col.updateOne({ _id: ins.id }, { $set: { status: "done" } }),
      "status",
    );
    await refused(
      "unset required",
      () => col.updateOne({ _id: ins.id }, { $unset: { title: "" } }),
      "title",
    );
    await refused(
      "push outside the subset",
      () => col.updateOne({ _id: ins.id }, { $push: { tags: "x" } }),
      "tags",
    );
    const stored = await col.findOne({ _id: ins.id });
    assert.equal(stored?.status, "pending");
    assert.equal(stored?.title, "Guarded");
  });

  await t.step("a conforming document is stored", async () => {
    const doc = validDoc(user.id);
    await col.insertOne(doc);
    assert.equal((await col.findOne({ _id: doc._id }))?.title, "Schema probe");
    const r = await col.updateOne({ _id: doc._id }, { $set: { status: "processed", version: 2 } });
    assert.equal(r.matched, 1);
  });

  await t.step("the server validator is installed only where the server has them", async () => {
    const server = (api.stores.documents as { server?: { product: string } }).server;
    const viaServer = await ensureInsightIndexes(api.stores.documents);
    // Embedded JSONB tables and FerretDB 1.x have no validators: the app-side check is the guard.
    assert.equal(viaServer, server?.product === "mongodb");
  });
});
