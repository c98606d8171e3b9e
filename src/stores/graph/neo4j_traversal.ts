/**
 * The Neo4j adapter's read queries over structure (neighbours, subgraph, shortest path, degree),
 * each run inside a transaction it is given, with the same ordering and tie rules as the Postgres
 * adapter so both answer alike.
 *
 * @module
 */
import neo4j, { type ManagedTransaction } from "neo4j-driver";
import {
  EDGE_MAP,
  type EdgeMap,
  L,
  NODE_MAP,
  type NodeMap,
  nodeMap,
  notFound,
  rel,
  toEdge,
  toNode,
} from "./neo4j_cypher.ts";
import { exists } from "./neo4j_session.ts";
import type { Neighbour, NodeRef, Subgraph } from "./port.ts";
import {
  type checkDegreeOptions,
  type checkPathOptions,
  sameRef,
  type Traversal,
} from "./validate.ts";

type PathOptions = ReturnType<typeof checkPathOptions>;
type DegreeOptions = ReturnType<typeof checkDegreeOptions>;

/** Nodes within reach, start first (depth 0), then by depth, label, id; at most `cap`. */
async function reach(
  tx: ManagedTransaction,
  start: NodeRef,
  o: Traversal,
  cap: number,
): Promise<(Neighbour & { eid: string })[]> {
  const s = await tx.run(
    `MATCH (n:${L(start.label)} {id: $id}) RETURN ${NODE_MAP} AS node, elementId(n) AS eid`,
    { id: start.id },
  );
  if (s.records.length === 0) throw notFound(start);
  const first = {
    node: toNode(s.records[0].get("node")),
    depth: 0,
    eid: s.records[0].get("eid") as string,
  };
  if (cap <= 1 || (o.types && o.types.length === 0)) return [first];
  // `min(length(p))` over a DISTINCT-like grouping lets the planner use its pruning
  // breadth-first expand, so the cost follows the nodes reached, not the paths between them.
  const r = await tx.run(
    `MATCH (s) WHERE elementId(s) = $eid
     MATCH p = (s)${rel(o.direction, o.types, `*1..${o.depth}`)}(n)
     WHERE n <> s AND n.id IS NOT NULL
     WITH n, min(length(p)) AS depth
     RETURN ${NODE_MAP} AS node, elementId(n) AS eid, depth
     ORDER BY depth, node.label, node.id
     LIMIT $limit`,
    { eid: first.eid, limit: neo4j.int(cap - 1) },
  );
  return [
    first,
    ...r.records.map((rec) => ({
      node: toNode(rec.get("node")),
      depth: rec.get("depth") as number,
      eid: rec.get("eid") as string,
    })),
  ];
}

/** Nodes within `o.depth` of `start` (excluding it), at most `o.limit`. */
export async function neighboursOf(
  tx: ManagedTransaction,
  start: NodeRef,
  o: Traversal,
): Promise<Neighbour[]> {
  const rows = await reach(tx, start, o, o.limit + 1);
  return rows.slice(1).map(({ node, depth }) => ({ node, depth }));
}

/** The nodes of {@link reach} (center included) and every matching edge among them. */
export async function subgraphOf(
  tx: ManagedTransaction,
  center: NodeRef,
  o: Traversal,
): Promise<Subgraph> {
  const rows = await reach(tx, center, o, o.limit);
  if (o.types && o.types.length === 0) return { nodes: [rows[0].node], edges: [] };
  const r = await tx.run(
    `MATCH (a)-[r]->(b) WHERE elementId(a) IN $eids AND elementId(b) IN $eids
       AND ($types IS NULL OR type(r) IN $types)
     RETURN ${EDGE_MAP} AS edge
     ORDER BY edge.from_label, edge.from_id, edge.type, edge.to_label, edge.to_id`,
    { eids: rows.map((x) => x.eid), types: o.types },
  );
  return {
    nodes: rows.map((x) => x.node),
    edges: r.records.map((rec) => toEdge(rec.get("edge"))),
  };
}

/** One shortest path from `a` to `b` (ties broken like the Postgres adapter), or null. */
export async function shortestPathOf(
  tx: ManagedTransaction,
  a: NodeRef,
  b: NodeRef,
  o: PathOptions,
): Promise<Subgraph | null> {
  const found = await tx.run(
    `OPTIONAL MATCH (a:${L(a.label)} {id: $aid}) OPTIONAL MATCH (b:${L(b.label)} {id: $bid})
     RETURN CASE WHEN a IS NULL THEN null ELSE ${nodeMap("a")} END AS a,
            b IS NOT NULL AS b`,
    { aid: a.id, bid: b.id },
  );
  const row = found.records[0];
  if (!row.get("a")) throw notFound(a);
  if (!row.get("b")) throw notFound(b);
  if (sameRef(a, b)) return { nodes: [toNode(row.get("a"))], edges: [] };
  if (o.types && o.types.length === 0) return null;
  // Ties: the path whose steps (next node's label, id, edge type, forward first) sort
  // lowest, the same rule the Postgres adapter applies step by step.
  const r = await tx.run(
    `MATCH (a:${L(a.label)} {id: $aid}), (b:${L(b.label)} {id: $bid})
     MATCH p = allShortestPaths((a)${rel(o.direction, o.types, `*..${o.maxDepth}`)}(b))
     WITH p, [i IN range(0, length(p) - 1) |
       [labels(nodes(p)[i + 1])[0], nodes(p)[i + 1].id, type(relationships(p)[i]),
        CASE WHEN startNode(relationships(p)[i]) = nodes(p)[i] THEN '0' ELSE '1' END]
     ] AS steps
     ORDER BY steps LIMIT 1
     RETURN [n IN nodes(p) | ${NODE_MAP}] AS nodes, [r IN relationships(p) | ${EDGE_MAP}] AS edges`,
    { aid: a.id, bid: b.id },
  );
  if (r.records.length === 0) return null;
  return {
    nodes: (r.records[0].get("nodes") as NodeMap[]).map(toNode),
    edges: (r.records[0].get("edges") as EdgeMap[]).map(toEdge),
  };
}

/** How many edges of the given types and direction touch the node (a self-loop counts once). */
export async function degreeOf(
  tx: ManagedTransaction,
  ref: NodeRef,
  o: DegreeOptions,
): Promise<number> {
  if (o.types && o.types.length === 0) {
    if (!(await exists(tx, ref))) throw notFound(ref);
    return 0;
  }
  // DISTINCT: an undirected pattern meets a self-loop twice; it is one edge. Grouping by n
  // leaves no row when the node is missing (a bare count() would answer 0).
  const r = await tx.run(
    `MATCH (n:${L(ref.label)} {id: $id})
     OPTIONAL MATCH (n)${rel(o.direction, o.types, "", "r")}()
     WITH n, count(DISTINCT r) AS d
     RETURN d`,
    { id: ref.id },
  );
  if (r.records.length === 0) throw notFound(ref);
  return r.records[0].get("d") as number;
}
