// Runs the graph contract on each adapter: Postgres tables on PGlite in memory (always), on
// server Postgres, and Neo4j over Bolt (when their settings are present), plus failure modes.
import { expect } from "expect";
import { StoreError } from "../../src/stores/errors.ts";
import { openNeo4jGraph } from "../../src/stores/graph/neo4j.ts";
import { openPostgresGraph } from "../../src/stores/graph/postgres.ts";
import { openPglite } from "../../src/stores/relational/pglite.ts";
import { openPg } from "../../src/stores/relational/pg.ts";
import { serverSetting, serverTest } from "../support/profile.ts";
import { graphContract } from "./graph_contract.ts";

async function* linesOf(lines: readonly string[]): AsyncGenerator<string> {
  for (const l of lines) yield l;
}

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

function neo4jOptions(url = serverSetting("NEO4J_URL")!) {
  return {
    url,
    user: serverSetting("NEO4J_USER")!,
    password: serverSetting("NEO4J_PASSWORD")!,
    timeoutMs: 10_000,
  };
}

serverTest(
  "graph contract: neo4j",
  ["NEO4J_URL", "NEO4J_USER", "NEO4J_PASSWORD"],
  async (t) => {
    await graphContract(t, () => openNeo4jGraph(neo4jOptions()), { exclusive: false });
    for (const scheme of ["neo4j", "bolt"]) {
      await t.step(`${scheme}:// URLs connect`, async () => {
        const url = serverSetting("NEO4J_URL")!.replace(/^[a-z0-9+]+:\/\//, `${scheme}://`);
        const g = await openNeo4jGraph(neo4jOptions(url));
        try {
          expect(await g.health()).toMatchObject({ status: "ok", adapter: "neo4j" });
          const id = `${crypto.randomUUID()}-${scheme}`;
          await g.upsertNode({ label: "Tag", id }, { scheme });
          expect((await g.getNode({ label: "Tag", id }))?.props).toEqual({ scheme });
          expect(await g.deleteNode({ label: "Tag", id })).toBe(true);
        } finally {
          await g.close();
        }
      });
    }
    await t.step("wrong password is unavailable, not a hang", async () => {
      const err = await openNeo4jGraph({ ...neo4jOptions(), password: "wrong-password" })
        .catch((e) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).code).toBe("unavailable");
      expect(String((err as StoreError).message)).not.toContain("wrong-password");
    });
  },
);

Deno.test({
  name: "graph: neo4j that is down fails fast as unavailable",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const down = { url: "bolt://127.0.0.1:1", user: "neo4j", password: "x", timeoutMs: 2_000 };
    await t.step("open with verification rejects within 5 s", async () => {
      const started = performance.now();
      const err = await openNeo4jGraph(down).catch((e) => e);
      expect(performance.now() - started).toBeLessThan(5_000);
      expect(err).toBeInstanceOf(StoreError);
      expect(["unavailable", "timeout"]).toContain((err as StoreError).code);
    });
    await t.step("a lazily opened store rejects calls and reports down", async () => {
      const g = await openNeo4jGraph({ ...down, verify: false });
      try {
        const started = performance.now();
        const err = await g.upsertNode({ label: "Tag", id: "x" }).catch((e) => e);
        expect(performance.now() - started).toBeLessThan(5_000);
        expect(err).toBeInstanceOf(StoreError);
        expect(["unavailable", "timeout"]).toContain((err as StoreError).code);
        const read = await g.neighbours({ label: "Tag", id: "x" }).catch((e) => e);
        expect(["unavailable", "timeout"]).toContain((read as StoreError).code);
        const h = await g.health();
        expect(h.status).toBe("down");
        expect(h.adapter).toBe("neo4j");
        expect(h.latency_ms).toBeLessThan(5_000);
      } finally {
        await g.close();
      }
    });
    await t.step("a URL of another scheme is invalid", async () => {
      const err = await openNeo4jGraph({ ...down, url: "http://127.0.0.1:7474" }).catch((e) => e);
      expect((err as StoreError).code).toBe("invalid");
    });
  },
});

/** Small deterministic generator (LCG), so a disagreement can be replayed from its seed. */
function seeded(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 48271) % 2147483647;
    return s % n;
  };
}

serverTest(
  "graph adapters agree: Postgres tables and Neo4j on one random graph",
  ["NEO4J_URL", "NEO4J_USER", "NEO4J_PASSWORD"],
  async (t) => {
    const seed = 1 + Math.floor(Math.random() * 1_000_000);
    const rnd = seeded(seed);
    const p = crypto.randomUUID().slice(0, 8);
    const labels = ["Insight", "Tag", "User"];
    const types = ["RELATES_TO", "TAGGED", "AUTHORED"];
    const directions = ["out", "in", "both"] as const;
    const nodes = Array.from({ length: 60 }, (_, i) => ({ label: labels[i % 3], id: `${p}-${i}` }));
    const lines = nodes.map((n, i) => JSON.stringify({ kind: "node", ...n, props: { i } }));
    for (let k = 0; k < 150; k++) {
      const from = nodes[rnd(60)];
      const to = nodes[rnd(60)];
      const props = { k, strength: rnd(100) / 100 };
      lines.push(JSON.stringify({ kind: "edge", from, type: types[rnd(3)], to, props }));
    }
    const db = await openPglite("memory://");
    const pg = await openPostgresGraph(db);
    const neo = await openNeo4jGraph(neo4jOptions());
    const pick = <T>(xs: readonly T[]) => xs[rnd(xs.length)];
    const someTypes = () => rnd(3) === 0 ? undefined : types.filter(() => rnd(2) === 0);
    try {
      const a = await pg.importNdjson(linesOf(lines));
      expect(await neo.importNdjson(linesOf(lines))).toEqual(a);
      await t.step(
        `neighbours, subgraph, degree and shortest paths agree (seed ${seed})`,
        async () => {
          for (let q = 0; q < 25; q++) {
            const start = pick(nodes);
            const opts = {
              depth: 1 + rnd(6),
              direction: pick(directions),
              types: someTypes(),
              limit: 1 + rnd(40),
            };
            const what = JSON.stringify({ q, start, opts });
            expect([what, await neo.neighbours(start, opts)]).toEqual([
              what,
              await pg.neighbours(start, opts),
            ]);
            expect([what, await neo.subgraph(start, opts)]).toEqual([
              what,
              await pg.subgraph(start, opts),
            ]);
            const deg = { direction: opts.direction, types: opts.types };
            expect([what, await neo.degree(start, deg)]).toEqual([
              what,
              await pg.degree(start, deg),
            ]);
            const end = pick(nodes);
            const path = { maxDepth: 1 + rnd(6), direction: opts.direction, types: opts.types };
            const pwhat = JSON.stringify({ q, start, end, path });
            expect([pwhat, await neo.shortestPath(start, end, path)]).toEqual([
              pwhat,
              await pg.shortestPath(start, end, path),
            ]);
          }
        },
      );
    } finally {
      for (const n of nodes) await neo.deleteNode(n).catch(() => false);
      await neo.close();
      await db.close();
    }
  },
);
