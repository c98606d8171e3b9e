// The graph port's contract: every adapter must pass these steps. Ids carry a random prefix so
// the suite can run on a shared server (Neo4j, server Postgres) beside other data.
import { expect } from "expect";
import { StoreError, type StoreErrorCode } from "../../src/stores/errors.ts";
import type { GraphEdge, GraphNode, GraphStore, NodeRef } from "../../src/stores/graph/port.ts";

export interface GraphContractOptions {
  /** True when nothing else writes to the store meanwhile, so whole-graph counts are exact. */
  exclusive: boolean;
}

async function expectStoreError(work: Promise<unknown>, code: StoreErrorCode): Promise<void> {
  let caught: unknown;
  try {
    await work;
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(StoreError);
  expect((caught as StoreError).code).toBe(code);
  expect((caught as StoreError).store).toBe("graph");
}

async function* linesOf(lines: readonly string[]): AsyncGenerator<string> {
  for (const l of lines) yield l;
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

/** A line re-serialised with sorted property keys, so two exports compare as sets. */
function canonical(line: string): string {
  const v = JSON.parse(line);
  v.props = Object.fromEntries(Object.entries(v.props ?? {}).sort(([a], [b]) => a < b ? -1 : 1));
  return JSON.stringify(v);
}

const ids = (ns: { node: GraphNode }[]) => ns.map((n) => `${n.node.label}:${n.node.id}`);
const depths = (ns: { node: GraphNode; depth: number }[]) =>
  ns.map((n) => `${n.node.label}:${n.node.id}@${n.depth}`);
const edgeIds = (es: GraphEdge[]) =>
  es.map((e) => `${e.from.label}:${e.from.id}-${e.type}->${e.to.label}:${e.to.id}`);

/**
 * Runs the whole contract as steps of `t` against the store `open` returns; the store is closed
 * at the end and the suite's own nodes are removed.
 */
export async function graphContract(
  t: Deno.TestContext,
  open: () => Promise<GraphStore>,
  options: GraphContractOptions,
): Promise<void> {
  const g = await open();
  const p = crypto.randomUUID().slice(0, 8);
  const made = new Map<string, NodeRef>();
  /** A node ref unique to this run; remembered for clean-up. */
  const ref = (label: string, name: string): NodeRef => {
    const r = { label, id: `${p}-${name}` };
    made.set(`${label}:${r.id}`, r);
    return r;
  };
  const key = (r: NodeRef) => `${r.label}:${r.id}`;
  const add = (r: NodeRef, props = {}) => g.upsertNode(r, props);

  // The mind-map fixture: A-[:RELATES_TO]->B->C->D, A and B tagged with t1, u authored A.
  const A = ref("Insight", "a");
  const B = ref("Insight", "b");
  const C = ref("Insight", "c");
  const D = ref("Insight", "d");
  const T1 = ref("Tag", "t1");
  const U = ref("User", "u");

  try {
    await t.step("upsertNode creates, then merges props (null removes a key)", async () => {
      const n = ref("Insight", "merge");
      const created = await g.upsertNode(n, { title: "first", score: 1, tags: ["x", "y"] });
      expect(created).toEqual({ ...n, props: { title: "first", score: 1, tags: ["x", "y"] } });
      const merged = await g.upsertNode(n, { score: 2.5, status: "open", tags: null });
      expect(merged.props).toEqual({ title: "first", score: 2.5, status: "open" });
      expect(await g.getNode(n)).toEqual(merged);
      expect((await g.upsertNode(n)).props).toEqual(merged.props);
      expect(await g.deleteNode(n)).toBe(true);
      expect(await g.getNode(n)).toBeNull();
    });

    await t.step("getNode and deleteNode on a missing node", async () => {
      const missing = ref("Insight", "never");
      expect(await g.getNode(missing)).toBeNull();
      expect(await g.deleteNode(missing)).toBe(false);
      // Same id under another label is another node.
      await add(ref("Tag", "shared-id"));
      expect(await g.getNode({ label: "Insight", id: `${p}-shared-id` })).toBeNull();
    });

    await t.step("build the fixture", async () => {
      for (const n of [A, B, C, D]) await add(n, { title: `insight ${n.id}` });
      await add(T1, { name: "deno" });
      await add(U, { email: "u@example.com" });
      await g.upsertEdge(A, "RELATES_TO", B, { type: "similar", strength: 0.9, origin: "ai" });
      await g.upsertEdge(B, "RELATES_TO", C, { type: "follows", strength: 0.5, origin: "user" });
      await g.upsertEdge(C, "RELATES_TO", D, { strength: 0.1 });
      await g.upsertEdge(A, "TAGGED", T1);
      await g.upsertEdge(B, "TAGGED", T1);
      await g.upsertEdge(U, "AUTHORED", A, { at: "2024-01-01" });
    });

    await t.step("upsertEdge: missing node is not_found; upsert merges props", async () => {
      const ghost = ref("Insight", "ghost");
      await expectStoreError(g.upsertEdge(A, "RELATES_TO", ghost), "not_found");
      await expectStoreError(g.upsertEdge(ghost, "RELATES_TO", A), "not_found");
      expect(await g.getNode(ghost)).toBeNull();
      const e = await g.upsertEdge(C, "RELATES_TO", D, { origin: "ai", strength: 0.2 });
      expect(e).toEqual({
        from: C,
        type: "RELATES_TO",
        to: D,
        props: { strength: 0.2, origin: "ai" },
      });
      expect(await g.degree(C, { direction: "out" })).toBe(1);
    });

    await t.step("deleteEdge is true once, then false", async () => {
      const x = ref("Insight", "de-x");
      const y = ref("Insight", "de-y");
      await add(x);
      await add(y);
      await g.upsertEdge(x, "RELATES_TO", y);
      expect(await g.deleteEdge(x, "RELATES_TO", y)).toBe(true);
      expect(await g.deleteEdge(x, "RELATES_TO", y)).toBe(false);
      expect(await g.deleteEdge(y, "RELATES_TO", x)).toBe(false);
      expect(await g.degree(x)).toBe(0);
      expect(await g.getNode(x)).not.toBeNull();
    });

    await t.step("deleteNode removes its edges", async () => {
      const hub = ref("Insight", "dn-hub");
      const leaf = ref("Tag", "dn-leaf");
      const other = ref("User", "dn-other");
      for (const n of [hub, leaf, other]) await add(n);
      await g.upsertEdge(hub, "TAGGED", leaf);
      await g.upsertEdge(other, "AUTHORED", hub);
      await g.upsertEdge(other, "AUTHORED", leaf);
      expect(await g.degree(leaf)).toBe(2);
      expect(await g.deleteNode(hub)).toBe(true);
      expect(await g.getNode(hub)).toBeNull();
      expect(await g.degree(leaf)).toBe(1);
      expect(await g.degree(other, { direction: "out" })).toBe(1);
      expect(ids(await g.neighbours(other))).toEqual([key(leaf)]);
    });

    await t.step("neighbours: depth 1, 2, 3 outward", async () => {
      expect(depths(await g.neighbours(A, { direction: "out" }))).toEqual([
        `${key(B)}@1`,
        `${key(T1)}@1`,
      ]);
      expect(depths(await g.neighbours(A, { direction: "out", depth: 2 }))).toEqual([
        `${key(B)}@1`,
        `${key(T1)}@1`,
        `${key(C)}@2`,
      ]);
      const three = await g.neighbours(A, { direction: "out", depth: 3 });
      expect(depths(three)).toEqual([
        `${key(B)}@1`,
        `${key(T1)}@1`,
        `${key(C)}@2`,
        `${key(D)}@3`,
      ]);
      expect(three[0].node.props).toEqual({ title: `insight ${B.id}` });
    });

    await t.step("neighbours: direction in and both, default both", async () => {
      expect(depths(await g.neighbours(A, { direction: "in" }))).toEqual([`${key(U)}@1`]);
      expect(depths(await g.neighbours(D, { direction: "in", depth: 3 }))).toEqual([
        `${key(C)}@1`,
        `${key(B)}@2`,
        `${key(A)}@3`,
      ]);
      const both = [`${key(B)}@1`, `${key(T1)}@1`, `${key(U)}@1`];
      expect(depths(await g.neighbours(A, { direction: "both" }))).toEqual(both);
      expect(depths(await g.neighbours(A))).toEqual(both);
      expect(depths(await g.neighbours(A, { direction: "both", depth: 2 }))).toEqual([
        ...both,
        `${key(C)}@2`,
      ]);
      expect(await g.neighbours(D, { direction: "out", depth: 6 })).toEqual([]);
    });

    await t.step("neighbours: type filters", async () => {
      expect(depths(await g.neighbours(A, { direction: "out", depth: 6, types: ["RELATES_TO"] })))
        .toEqual([`${key(B)}@1`, `${key(C)}@2`, `${key(D)}@3`]);
      // Through the tag, B is two hops away when only TAGGED is followed.
      expect(depths(await g.neighbours(A, { direction: "both", depth: 2, types: ["TAGGED"] })))
        .toEqual([`${key(T1)}@1`, `${key(B)}@2`]);
      expect(ids(await g.neighbours(A, { types: ["TAGGED", "AUTHORED"] }))).toEqual([
        key(T1),
        key(U),
      ]);
      expect(await g.neighbours(A, { types: [] })).toEqual([]);
      expect(await g.neighbours(A, { types: ["NO_SUCH_TYPE"] })).toEqual([]);
      await expectStoreError(g.neighbours(ref("Insight", "absent")), "not_found");
    });

    await t.step("a cycle terminates with each node once at its smallest depth", async () => {
      const x = ref("Insight", "cy-x");
      const y = ref("Insight", "cy-y");
      const z = ref("Insight", "cy-z");
      for (const n of [x, y, z]) await add(n);
      await g.upsertEdge(x, "RELATES_TO", y);
      await g.upsertEdge(y, "RELATES_TO", z);
      await g.upsertEdge(z, "RELATES_TO", x);
      await g.upsertEdge(y, "RELATES_TO", y); // a self-loop as well
      expect(depths(await g.neighbours(x, { direction: "out", depth: 6 }))).toEqual([
        `${key(y)}@1`,
        `${key(z)}@2`,
      ]);
      expect(depths(await g.neighbours(x, { direction: "both", depth: 6 }))).toEqual([
        `${key(y)}@1`,
        `${key(z)}@1`,
      ]);
      expect(depths(await g.neighbours(x, { direction: "in", depth: 6 }))).toEqual([
        `${key(z)}@1`,
        `${key(y)}@2`,
      ]);
      const path = await g.shortestPath(x, z, { direction: "out" });
      expect(path?.nodes.map(key)).toEqual([key(x), key(y), key(z)]);
      expect(await g.degree(y, { direction: "both" })).toBe(3);
      expect(await g.degree(y, { direction: "out" })).toBe(2);
      expect(await g.degree(y, { direction: "in" })).toBe(2);
    });

    await t.step("limit caps results, nearest first, then by label and id", async () => {
      const hub = ref("Tag", "hub");
      await add(hub);
      const spokes: NodeRef[] = [];
      for (let i = 12; i >= 1; i--) {
        const s = ref("Insight", `spoke-${String(i).padStart(2, "0")}`);
        spokes.unshift(s);
        await add(s);
        await g.upsertEdge(s, "TAGGED", hub);
      }
      const far = ref("Insight", "aaa-far");
      await add(far);
      await g.upsertEdge(spokes[0], "RELATES_TO", far);
      const five = await g.neighbours(hub, { limit: 5, depth: 2 });
      expect(ids(five)).toEqual(spokes.slice(0, 5).map(key));
      const all = await g.neighbours(hub, { depth: 2 });
      expect(all.length).toBe(13);
      expect(depths(all).at(-1)).toBe(`${key(far)}@2`);
      expect((await g.neighbours(hub, { limit: 1 })).length).toBe(1);
    });

    await t.step("subgraph: start first, capped, edges only among returned nodes", async () => {
      const sg = await g.subgraph(A, { direction: "both" });
      expect(sg.nodes.map(key)).toEqual([key(A), key(B), key(T1), key(U)]);
      expect(sg.nodes[0].props).toEqual({ title: `insight ${A.id}` });
      // B-[:TAGGED]->t1 is among the returned nodes though it was not walked from A; B->C is not.
      expect(edgeIds(sg.edges).sort()).toEqual(
        [
          `${key(A)}-RELATES_TO->${key(B)}`,
          `${key(A)}-TAGGED->${key(T1)}`,
          `${key(B)}-TAGGED->${key(T1)}`,
          `${key(U)}-AUTHORED->${key(A)}`,
        ].sort(),
      );
      const ab = sg.edges.find((e) => e.to.id === B.id && e.type === "RELATES_TO");
      expect(ab?.props).toEqual({ type: "similar", strength: 0.9, origin: "ai" });

      const capped = await g.subgraph(A, { direction: "both", depth: 3, limit: 2 });
      expect(capped.nodes.map(key)).toEqual([key(A), key(B)]);
      expect(edgeIds(capped.edges)).toEqual([`${key(A)}-RELATES_TO->${key(B)}`]);

      const typed = await g.subgraph(B, { depth: 2, types: ["TAGGED"] });
      expect(typed.nodes.map(key)).toEqual([key(B), key(T1), key(A)]);
      expect(edgeIds(typed.edges).sort()).toEqual(
        [`${key(A)}-TAGGED->${key(T1)}`, `${key(B)}-TAGGED->${key(T1)}`].sort(),
      );

      const alone = await g.subgraph(A, { limit: 1 });
      expect(alone).toEqual({ nodes: [{ ...A, props: { title: `insight ${A.id}` } }], edges: [] });
      await expectStoreError(g.subgraph(ref("Insight", "absent")), "not_found");
    });

    await t.step("shortestPath: found, none, maxDepth, types, direction", async () => {
      const path = await g.shortestPath(A, D, { direction: "out" });
      expect(path?.nodes.map(key)).toEqual([key(A), key(B), key(C), key(D)]);
      expect(edgeIds(path?.edges ?? [])).toEqual([
        `${key(A)}-RELATES_TO->${key(B)}`,
        `${key(B)}-RELATES_TO->${key(C)}`,
        `${key(C)}-RELATES_TO->${key(D)}`,
      ]);
      expect(path?.edges[0].props).toEqual({ type: "similar", strength: 0.9, origin: "ai" });
      expect(path?.nodes[3].props).toEqual({ title: `insight ${D.id}` });

      expect(await g.shortestPath(A, D, { direction: "in" })).toBeNull();
      const back = await g.shortestPath(D, A, { direction: "in" });
      expect(back?.nodes.map(key)).toEqual([key(D), key(C), key(B), key(A)]);
      expect(edgeIds(back?.edges ?? [])).toEqual([
        `${key(C)}-RELATES_TO->${key(D)}`,
        `${key(B)}-RELATES_TO->${key(C)}`,
        `${key(A)}-RELATES_TO->${key(B)}`,
      ]);
      expect(await g.shortestPath(A, D, { direction: "out", maxDepth: 2 })).toBeNull();
      expect(await g.shortestPath(A, D, { direction: "out", maxDepth: 3 })).not.toBeNull();
      expect(await g.shortestPath(A, D, { types: ["TAGGED"] })).toBeNull();
      expect(await g.shortestPath(A, D, { types: [] })).toBeNull();

      const viaTag = await g.shortestPath(A, B, { types: ["TAGGED"] });
      expect(viaTag?.nodes.map(key)).toEqual([key(A), key(T1), key(B)]);
      expect(edgeIds(viaTag?.edges ?? [])).toEqual([
        `${key(A)}-TAGGED->${key(T1)}`,
        `${key(B)}-TAGGED->${key(T1)}`,
      ]);
      expect((await g.shortestPath(U, D))?.nodes.length).toBe(5);

      const self = await g.shortestPath(A, A);
      expect(self).toEqual({ nodes: [{ ...A, props: { title: `insight ${A.id}` } }], edges: [] });
      await expectStoreError(g.shortestPath(A, ref("Insight", "absent")), "not_found");
      await expectStoreError(g.shortestPath(ref("Insight", "absent"), A), "not_found");
    });

    await t.step("shortestPath breaks ties by label, id, then type", async () => {
      const s = ref("Insight", "tie-s");
      const m2 = ref("Insight", "tie-m2");
      const m1 = ref("Insight", "tie-m1");
      const mt = ref("Tag", "tie-m0");
      const e = ref("Insight", "tie-e");
      for (const n of [s, m2, m1, mt, e]) await add(n);
      for (const m of [m2, mt, m1]) {
        await g.upsertEdge(s, "RELATES_TO", m);
        await g.upsertEdge(m, "RELATES_TO", e);
      }
      const p1 = await g.shortestPath(s, e, { direction: "out" });
      expect(p1?.nodes.map(key)).toEqual([key(s), key(m1), key(e)]);
      await g.upsertEdge(s, "ZZ_LINK", m1, { w: 2 });
      await g.upsertEdge(s, "AA_LINK", m1, { w: 1 });
      const p2 = await g.shortestPath(s, m1, { direction: "out" });
      expect(edgeIds(p2?.edges ?? [])).toEqual([`${key(s)}-AA_LINK->${key(m1)}`]);
      expect(p2?.edges[0].props).toEqual({ w: 1 });
      // Both directions: an edge pointing forward wins over one pointing back.
      await g.upsertEdge(m1, "AA_LINK", s);
      const p3 = await g.shortestPath(s, m1, { direction: "both", types: ["AA_LINK"] });
      expect(edgeIds(p3?.edges ?? [])).toEqual([`${key(s)}-AA_LINK->${key(m1)}`]);
      const p4 = await g.shortestPath(m1, s, { direction: "both", types: ["AA_LINK"] });
      expect(edgeIds(p4?.edges ?? [])).toEqual([`${key(m1)}-AA_LINK->${key(s)}`]);
    });

    await t.step("degree by direction and type", async () => {
      expect(await g.degree(A, { direction: "out" })).toBe(2);
      expect(await g.degree(A, { direction: "in" })).toBe(1);
      expect(await g.degree(A, { direction: "both" })).toBe(3);
      expect(await g.degree(A)).toBe(3);
      expect(await g.degree(A, { types: ["RELATES_TO"] })).toBe(1);
      expect(await g.degree(A, { types: ["RELATES_TO", "AUTHORED"] })).toBe(2);
      expect(await g.degree(T1, { direction: "in", types: ["TAGGED"] })).toBe(2);
      expect(await g.degree(T1, { direction: "out" })).toBe(0);
      expect(await g.degree(A, { types: [] })).toBe(0);
      await expectStoreError(g.degree(ref("Insight", "absent")), "not_found");
    });

    await t.step("invalid labels, types, props and options are refused", async () => {
      const before = await g.getNode(A);
      const inject = "Insight) DETACH DELETE n //";
      await expectStoreError(g.upsertNode({ label: inject, id: "x" }), "invalid");
      await expectStoreError(g.getNode({ label: inject, id: "x" }), "invalid");
      await expectStoreError(g.deleteNode({ label: inject, id: "x" }), "invalid");
      await expectStoreError(
        g.neighbours({ label: `Insight\`) DETACH DELETE n //`, id: "x" }),
        "invalid",
      );
      await expectStoreError(g.upsertNode({ label: "insight", id: "x" }), "invalid");
      await expectStoreError(g.upsertNode({ label: "In sight", id: "x" }), "invalid");
      await expectStoreError(g.upsertNode({ label: "Insight", id: "" }), "invalid");
      await expectStoreError(g.upsertNode({ label: "Insight", id: "a\u0000b" }), "invalid");
      await expectStoreError(
        g.upsertEdge(A, "RELATES_TO]->() DETACH DELETE n //", B),
        "invalid",
      );
      await expectStoreError(g.upsertEdge(A, "relates_to", B), "invalid");
      await expectStoreError(g.deleteEdge(A, "RELATES-TO", B), "invalid");
      await expectStoreError(g.neighbours(A, { types: ["TAGGED|RELATES_TO"] }), "invalid");
      await expectStoreError(g.degree(A, { types: ["x"] }), "invalid");
      const bad: Record<string, unknown>[] = [
        { "bad-key": 1 },
        { "n.name": "x" },
        { "a} DETACH DELETE n //": 1 },
        { id: "other" },
        { nested: { a: 1 } },
        { mixed: ["a", 1] },
        { with_null: ["a", null] },
        { nan: Number.NaN },
        { inf: Number.POSITIVE_INFINITY },
        { lone: "\ud800" },
      ];
      for (const props of bad) {
        // deno-lint-ignore no-explicit-any
        await expectStoreError(g.upsertNode(A, props as any), "invalid");
      }
      // deno-lint-ignore no-explicit-any
      await expectStoreError(g.upsertEdge(A, "RELATES_TO", B, { "x y": 1 } as any), "invalid");
      await expectStoreError(g.neighbours(A, { depth: 0 }), "invalid");
      await expectStoreError(g.neighbours(A, { depth: 7 }), "invalid");
      await expectStoreError(g.neighbours(A, { depth: 1.5 }), "invalid");
      await expectStoreError(g.neighbours(A, { limit: 0 }), "invalid");
      await expectStoreError(g.neighbours(A, { limit: 1001 }), "invalid");
      // deno-lint-ignore no-explicit-any
      await expectStoreError(g.neighbours(A, { direction: "sideways" as any }), "invalid");
      await expectStoreError(g.shortestPath(A, B, { maxDepth: 9 }), "invalid");
      expect(await g.getNode(A)).toEqual(before);
      expect(await g.degree(A)).toBe(3);
    });

    await t.step("unicode ids and values, lists, numbers and booleans round-trip", async () => {
      const n = ref("Insight", "ünï-世界-🌍");
      const props = {
        title: "Olá, mundo — 世界 🌍",
        rtl: "مرحبا",
        tags: ["ação", "日本語", "emoji 🎉", ""],
        scores: [1, 2.5, -3],
        empty: [],
        flag: false,
        zero: 0,
        big: 2 ** 52,
        quote: `he said "hi" \\ 'there'`,
      };
      expect(await g.upsertNode(n, props)).toEqual({ ...n, props });
      expect(await g.getNode(n)).toEqual({ ...n, props });
      await g.upsertEdge(n, "TAGGED", T1, { note: "ç ñ ø 😀" });
      const sg = await g.subgraph(n);
      expect(sg.nodes.map(key)).toEqual([key(n), key(T1)]);
      expect(sg.edges[0].props).toEqual({ note: "ç ñ ø 😀" });
    });

    await t.step("concurrent upserts of one node and one edge leave one of each", async () => {
      const n = ref("Insight", "race");
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => g.upsertNode(n, { [`k${i}`]: i })),
      );
      const got = await g.getNode(n);
      expect(Object.keys(got?.props ?? {}).length).toBe(10);
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => g.upsertEdge(n, "TAGGED", T1, { [`k${i}`]: i })),
      );
      expect(await g.degree(n)).toBe(1);
    });

    await t.step("export then import into a clean namespace gives the same graph", async () => {
      const before = options.exclusive ? await g.counts() : undefined;
      const ours = (l: string) => l.includes(`"${p}-`);
      const exported = await collect(g.exportNdjson());
      expect(exported.every((l) => l.endsWith("\n"))).toBe(true);
      const mine = exported.filter(ours);
      const kinds = mine.map((l) => JSON.parse(l).kind as string);
      // Nodes come before edges.
      expect(kinds.lastIndexOf("node")).toBeLessThan(kinds.indexOf("edge"));
      const nodeLines = mine.filter((l) => l.includes('"kind":"node"'));
      const edgeLines = mine.filter((l) => l.includes('"kind":"edge"'));
      expect(nodeLines.length).toBeGreaterThanOrEqual(30);
      expect(edgeLines.length).toBeGreaterThanOrEqual(25);
      if (before) {
        expect(exported.length).toBe(before.nodes + before.edges);
      }
      const snapshot = new Set(mine.map(canonical));

      for (const r of made.values()) await g.deleteNode(r);
      if (before) {
        expect(await g.counts()).toEqual({
          nodes: before.nodes - nodeLines.length,
          edges: before.edges - edgeLines.length,
        });
      }
      expect(await g.getNode(A)).toBeNull();

      const imported = await g.importNdjson(linesOf(mine));
      expect(imported).toEqual({ nodes: nodeLines.length, edges: edgeLines.length });
      const again = await collect(g.exportNdjson());
      const mineAgain = again.filter(ours).map(canonical);
      expect(new Set(mineAgain)).toEqual(snapshot);
      if (before) expect(await g.counts()).toEqual(before);

      // Idempotent: a second import (as one chunk of many lines) changes nothing.
      expect(await g.importNdjson(linesOf([mine.join("")]))).toEqual(imported);
      if (before) expect(await g.counts()).toEqual(before);
      expect(depths(await g.neighbours(A, { direction: "out", depth: 3 }))).toEqual([
        `${key(B)}@1`,
        `${key(T1)}@1`,
        `${key(C)}@2`,
        `${key(D)}@3`,
      ]);
    });

    await t.step("import refuses bad lines and edges to missing nodes", async () => {
      await expectStoreError(g.importNdjson(linesOf(["{not json}\n"])), "invalid");
      await expectStoreError(
        g.importNdjson(linesOf([JSON.stringify({ kind: "thing" })])),
        "invalid",
      );
      await expectStoreError(
        g.importNdjson(
          linesOf([JSON.stringify({ kind: "node", label: "Insight) DELETE n", id: "x" })]),
        ),
        "invalid",
      );
      const lonely = ref("Insight", "imp-lonely");
      const ghost = ref("Insight", "imp-ghost");
      await expectStoreError(
        g.importNdjson(linesOf([
          JSON.stringify({ kind: "node", label: lonely.label, id: lonely.id, props: {} }),
          JSON.stringify({ kind: "edge", from: lonely, type: "RELATES_TO", to: ghost, props: {} }),
        ])),
        "not_found",
      );
      expect(await g.getNode(ghost)).toBeNull();
      // Import merges like upsert, null included.
      const m = ref("Insight", "imp-merge");
      await add(m, { keep: 1, drop: 2 });
      const r = await g.importNdjson(linesOf([
        JSON.stringify({ kind: "node", label: m.label, id: m.id, props: { drop: null, add: 3 } }),
      ]));
      expect(r).toEqual({ nodes: 1, edges: 0 });
      expect((await g.getNode(m))?.props).toEqual({ keep: 1, add: 3 });
    });

    await t.step("counts follow writes", async () => {
      const before = await g.counts();
      const x = ref("User", "count-x");
      const y = ref("User", "count-y");
      await add(x);
      await add(y);
      await g.upsertEdge(x, "AUTHORED", y);
      const after = await g.counts();
      if (options.exclusive) {
        expect(after).toEqual({ nodes: before.nodes + 2, edges: before.edges + 1 });
      } else {
        expect(after.nodes).toBeGreaterThanOrEqual(2);
        expect(after.edges).toBeGreaterThanOrEqual(1);
      }
    });

    await t.step("health is ok", async () => {
      const h = await g.health();
      expect(h.status).toBe("ok");
      expect(h.adapter).toBe(g.adapter);
      expect(h.latency_ms).toBeGreaterThanOrEqual(0);
    });
  } finally {
    for (const r of made.values()) await g.deleteNode(r).catch(() => false);
    await g.close();
  }
}
