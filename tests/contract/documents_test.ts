// Registers the documents contract for the JSONB adapter on PGlite (always) and on server
// Postgres (DATABASE_URL), and for the MongoDB adapter (MONGODB_URL, FerretDB locally).
import assert from "node:assert/strict";
import { isStoreError } from "../../src/stores/errors.ts";
import { type MongoDocumentStore, openMongoDocuments } from "../../src/stores/documents/mongo.ts";
import { openPostgresDocuments } from "../../src/stores/documents/postgres.ts";
import { openPg } from "../../src/stores/relational/pg.ts";
import { openPglite } from "../../src/stores/relational/pglite.ts";
import type { RelationalStore } from "../../src/stores/relational/port.ts";
import { serverSetting, serverTest } from "../support/profile.ts";
import { documentsContract } from "./documents_contract.ts";

/** Opens the JSONB adapter on `db`; closing the adapter also closes `db`. */
async function jsonbOn(db: RelationalStore) {
  const docs = await openPostgresDocuments(db, { sweepIntervalMs: 0 });
  return {
    ...docs,
    async close() {
      await docs.close();
      await db.close();
    },
  };
}

Deno.test("documents contract: postgres-jsonb on pglite (memory)", async (t) => {
  await documentsContract(t, async () => jsonbOn(await openPglite("memory://")));
});

Deno.test("documents: postgres-jsonb opens twice on one database and sweeps in background", async () => {
  const db = await openPglite("memory://");
  try {
    const first = await openPostgresDocuments(db, { sweepIntervalMs: 0 });
    const docs = await openPostgresDocuments(db, { sweepIntervalMs: 20 });
    const c = docs.collection("bg_ttl");
    await c.createIndex({ keys: { at: 1 }, expireAfterSeconds: 1 });
    await c.insertOne({ _id: "old", at: new Date(Date.now() - 5_000) });
    await c.insertOne({ _id: "new", at: new Date() });
    const deadline = Date.now() + 3_000;
    while ((await c.count()) > 1 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual((await first.collection("bg_ttl").find({})).items.map((d) => d._id), ["new"]);
    await docs.close();
    await first.close();
  } finally {
    await db.close();
  }
});

serverTest("documents contract: postgres-jsonb on server postgres", ["DATABASE_URL"], async (t) => {
  await documentsContract(t, async () =>
    jsonbOn(
      await openPg({
        url: serverSetting("DATABASE_URL")!,
        poolSize: 5,
        idleTimeoutMs: 10_000,
        statementTimeoutMs: 10_000,
        connectTimeoutMs: 3_000,
      }),
    ));
});

serverTest("documents contract: mongodb (MONGODB_URL)", ["MONGODB_URL"], async (t) => {
  await documentsContract(
    t,
    () =>
      openMongoDocuments({
        url: serverSetting("MONGODB_URL")!,
        db: `polystore_contract`,
        timeoutMs: 10_000,
        sweepIntervalMs: 0,
      }),
    // FerretDB 1.x loses concurrent updates to one document; MongoDB does not.
    (store) => ({
      lostConcurrentUpdates: (store as MongoDocumentStore).server?.product === "ferretdb",
    }),
  );
});

Deno.test("documents: mongodb against a closed port fails fast as unavailable", async () => {
  const opts = { url: "mongodb://127.0.0.1:1/?directConnection=true", db: "x", timeoutMs: 2_000 };
  const started = performance.now();
  await assert.rejects(
    openMongoDocuments(opts),
    (e) => isStoreError(e, "unavailable", "timeout"),
  );
  assert.ok(performance.now() - started < 3_000, "rejected within 3 s");

  const lazy = await openMongoDocuments({ ...opts, verify: false });
  try {
    const t0 = performance.now();
    const health = await lazy.health();
    assert.equal(health.status, "down");
    assert.equal(health.adapter, "mongodb");
    assert.ok(health.detail && !health.detail.includes("127.0.0.1:1/"), "no connection string");
    await assert.rejects(
      lazy.collection("x").insertOne({ a: 1 }),
      (e) => isStoreError(e, "unavailable", "timeout"),
    );
    assert.ok(performance.now() - t0 < 6_000);
  } finally {
    await lazy.close();
  }
});
