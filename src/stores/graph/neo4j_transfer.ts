/**
 * NDJSON export and import for the Neo4j adapter. Import keeps the number of distinct Cypher
 * texts small (one per label, one per type): on a cold server each new text is planned once,
 * and a text per (label, type, label) triple made a first restore outlast its timeout.
 *
 * @module
 */
import neo4j, { type Driver, type ManagedTransaction } from "neo4j-driver";
import { edgeLine, importLines, nodeLine } from "./ndjson.ts";
import {
  addressable,
  EDGE_MAP,
  type EdgeMap,
  L,
  NODE_MAP,
  type NodeMap,
  notFound,
  T,
  toEdge,
  toNode,
} from "./neo4j_cypher.ts";
import { mapNeo4jError } from "./neo4j_errors.ts";
import type { Neo4jRunner } from "./neo4j_session.ts";
import type { GraphEdge, NodeRef, Props } from "./port.ts";
import { TYPE_RE } from "./validate.ts";

const EXPORT_FETCH = 500;

/** Ensures the label's constraint, then returns the batch upsert to run in a transaction. */
export async function upsertNodes(
  runner: Neo4jRunner,
  label: string,
  rows: { id: string; props: Props }[],
) {
  await runner.ensureLabel(label);
  return (tx: ManagedTransaction) =>
    tx.run(
      `UNWIND $rows AS row MERGE (n:${L(label)} {id: row.id}) SET n += row.props
       RETURN ${NODE_MAP} AS node`,
      { rows },
    );
}

/** Every addressable node, then every edge between addressable nodes, as NDJSON lines. */
export async function* exportLines(driver: Driver): AsyncGenerator<string> {
  // One read session streams both queries; the driver pulls EXPORT_FETCH records at a time.
  const session = driver.session({
    defaultAccessMode: neo4j.session.READ,
    fetchSize: EXPORT_FETCH,
  });
  try {
    const nodes = session.run(`MATCH (n) WHERE n.id IS NOT NULL RETURN ${NODE_MAP} AS node`);
    for await (const rec of nodes) {
      const m = rec.get("node") as NodeMap;
      if (addressable(m.label, m.id)) yield nodeLine(toNode(m));
    }
    const edges = session.run(
      `MATCH (a)-[r]->(b) WHERE a.id IS NOT NULL AND b.id IS NOT NULL
       RETURN ${EDGE_MAP} AS edge`,
    );
    for await (const rec of edges) {
      const m = rec.get("edge") as EdgeMap;
      if (
        addressable(m.from_label, m.from_id) && addressable(m.to_label, m.to_id) &&
        TYPE_RE.test(m.type)
      ) yield edgeLine(toEdge(m));
    }
  } catch (err) {
    throw mapNeo4jError(err);
  } finally {
    await session.close().catch(() => {});
  }
}

const refKey = (r: NodeRef) => `${r.label}\u0000${r.id}`;

/**
 * The element ids of every endpoint in `batch`, one query per label; throws not_found for the
 * first edge (in batch order) whose end is missing, naming the start when both are.
 */
async function endpoints(tx: ManagedTransaction, batch: GraphEdge[]): Promise<Map<string, string>> {
  const ids = new Map<string, Set<string>>();
  for (const e of batch) {
    for (const r of [e.from, e.to]) {
      let set = ids.get(r.label);
      if (!set) ids.set(r.label, set = new Set());
      set.add(r.id);
    }
  }
  const found = new Map<string, string>();
  for (const [label, set] of ids) {
    const r = await tx.run(
      `UNWIND $ids AS id MATCH (n:${L(label)} {id: id}) RETURN id, elementId(n) AS eid`,
      { ids: [...set] },
    );
    for (const rec of r.records) {
      found.set(refKey({ label, id: rec.get("id") }), rec.get("eid"));
    }
  }
  const missing = batch.find((e) => !found.has(refKey(e.from)) || !found.has(refKey(e.to)));
  if (missing) throw notFound(found.has(refKey(missing.from)) ? missing.to : missing.from);
  return found;
}

/** Upserts NDJSON lines in batches: nodes grouped by label, edges grouped by type. */
export async function importLinesInto(
  runner: Neo4jRunner,
  lines: AsyncIterable<string>,
): Promise<{ nodes: number; edges: number }> {
  return await importLines(lines, {
    async nodes(batch) {
      const byLabel = Map.groupBy(batch, (n) => n.label);
      const writers: ((tx: ManagedTransaction) => Promise<unknown>)[] = [];
      for (const [label, group] of byLabel) {
        writers.push(
          await upsertNodes(runner, label, group.map((n) => ({ id: n.id, props: n.props }))),
        );
      }
      await runner.call("WRITE", "import", async (tx) => {
        for (const w of writers) await w(tx);
      });
    },
    async edges(batch) {
      // Throwing anywhere in the transaction rolls the whole batch back.
      await runner.call("WRITE", "import", async (tx) => {
        const eid = await endpoints(tx, batch);
        for (const [type, group] of Map.groupBy(batch, (e) => e.type)) {
          await tx.run(
            `UNWIND $rows AS row
             MATCH (a) WHERE elementId(a) = row.a
             MATCH (b) WHERE elementId(b) = row.b
             MERGE (a)-[r:${T(type)}]->(b) SET r += row.props`,
            {
              rows: group.map((e) => ({
                a: eid.get(refKey(e.from)),
                b: eid.get(refKey(e.to)),
                props: e.props,
              })),
            },
          );
        }
      });
    },
  });
}
