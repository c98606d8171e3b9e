// Runs the graph contract on each adapter: Postgres tables on PGlite in memory (always), on
// server Postgres, and Neo4j over Bolt (when their settings are present).
import { expect } from "expect";
import { StoreError } from "../../src/stores/errors.ts";
import { openPostgresGraph } from "../../src/stores/graph/postgres.ts";
import { openPglite } from "../../src/stores/relational/pglite.ts";
import { openPg } from "../../src/stores/relational/pg.ts";
import { serverSetting, serverTest } from "../support/profile.ts";
import { graphContract } from "./graph_contract.ts";

Deno.test("graph contract: postgres tables on PGlite", async (t) => {
  const db = await openPglite("memory://");
  try {
    await graphContract(t, () => openPostgresGraph(db), { exclusive: true });
    await t.step("opening twice keeps the tables and data", async () => {
      const g1 = await openPostgresGraph(db);
      await g1.upsertNode({ label: "Tag", id: "reopen" });
      const g2 = await openPostgresGraph(db);
      expect(await g2.getNode({ label: "Tag", id: "reopen" })).not.toBeNull();
    });
  } finally {
    await db.close();
  }
});

serverTest("graph contract: postgres tables on server Postgres", ["DATABASE_URL"], async (t) => {
  const db = await openPg({
    url: serverSetting("DATABASE_URL")!,
    poolSize: 5,
    idleTimeoutMs: 10_000,
    statementTimeoutMs: 10_000,
    connectTimeoutMs: 3_000,
  });
  try {
    await graphContract(t, () => openPostgresGraph(db), { exclusive: false });
  } finally {
    await db.close();
  }
});

Deno.test("graph: a closed relational store reports the graph as down", async () => {
  const db = await openPglite("memory://");
  const g = await openPostgresGraph(db);
  await db.close();
  expect((await g.health()).status).toBe("down");
  const err = await g.getNode({ label: "Tag", id: "x" }).catch((e) => e);
  expect(err).toBeInstanceOf(StoreError);
  expect((err as StoreError).store).toBe("graph");
});
