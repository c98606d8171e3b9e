/**
 * Server graph adapter: Neo4j over Bolt via npm:neo4j-driver, a session per call, parameterised
 * Cypher only (labels and types, which Cypher cannot parameterise, are checked in validate.ts).
 *
 * @module
 */
import neo4j, { type Driver, type ManagedTransaction } from "neo4j-driver";
import { StoreError } from "../errors.ts";
import { measureHealth } from "../health.ts";
import { withTimeout } from "../resilience.ts";
import { edgeLine, importLines, nodeLine } from "./ndjson.ts";
import { mapNeo4jError, neo4jRetryKind } from "./neo4j_errors.ts";
import type {
  Direction,
  GraphEdge,
  GraphNode,
  GraphStore,
  Neighbour,
  NodeRef,
  Props,
} from "./port.ts";
import {
  checkDegreeOptions,
  checkLabel,
  checkPathOptions,
  checkProps,
  checkRef,
  checkTraversal,
  checkType,
  LABEL_RE,
  MAX_ID_LENGTH,
  sameRef,
  type Traversal,
  TYPE_RE,
} from "./validate.ts";

/** Connection settings for openNeo4jGraph (from NEO4J_URL, NEO4J_USER, NEO4J_PASSWORD). */
export interface Neo4jGraphOptions {
  /** `neo4j://`, `neo4j+s://`, `neo4j+ssc://`, `bolt://`, `bolt+s://` or `bolt+ssc://`. */
  url: string;
  user: string;
  password: string;
  /** Bound on every call: connecting, waiting for a connection, and the transaction itself. */
  timeoutMs: number;
  /** Prove the server answers before returning (default true); false opens lazily. */
  verify?: boolean;
}

const URL_RE = /^(neo4j|bolt)(\+s|\+ssc)?:\/\//;
const EXPORT_FETCH = 500;

// Only validated labels and types reach these helpers; backticks are belt and braces.
const L = (label: string) => `\`${checkLabel(label)}\``;
const T = (type: string) => `\`${checkType(type)}\``;

/** A relationship pattern such as `-[:A|B*1..3]->`; `types` must be non-empty or null. */
function rel(direction: Direction, types: string[] | null, hops: string, name = ""): string {
  const inner = `[${name}${types ? ":" + types.map(T).join("|") : ""}${hops}]`;
  if (direction === "out") return `-${inner}->`;
  if (direction === "in") return `<-${inner}-`;
  return `-${inner}-`;
}

/** Cypher map projecting node variable `v` as {label, id, props}. */
const nodeMap = (v: string) => `{label: labels(${v})[0], id: ${v}.id, props: properties(${v})}`;
const NODE_MAP = nodeMap("n");
const EDGE_MAP = `{from_label: labels(startNode(r))[0], from_id: startNode(r).id, type: type(r),
  to_label: labels(endNode(r))[0], to_id: endNode(r).id, props: properties(r)}`;

interface NodeMap {
  label: string;
  id: string;
  props: Record<string, unknown>;
}

interface EdgeMap {
  from_label: string;
  from_id: string;
  type: string;
  to_label: string;
  to_id: string;
  props: Record<string, unknown>;
}

/** Driver values to port props; foreign types (dates, points) written by others become text. */
function toProps(raw: Record<string, unknown>, dropId: boolean): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(raw)) {
    if (dropId && k === "id") continue;
    if (
      v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean"
    ) {
      out[k] = v;
    } else if (Array.isArray(v) && v.every((x) => typeof x === "number")) {
      out[k] = v as number[];
    } else if (Array.isArray(v)) {
      out[k] = v.map((x) => String(x));
    } else {
      out[k] = String(v);
    }
  }
  return out;
}

function toNode(m: NodeMap): GraphNode {
  return { label: m.label, id: m.id, props: toProps(m.props, true) };
}

function toEdge(m: EdgeMap): GraphEdge {
  return {
    from: { label: m.from_label, id: m.from_id },
    type: m.type,
    to: { label: m.to_label, id: m.to_id },
    props: toProps(m.props, false),
  };
}

function notFound(ref: NodeRef): StoreError {
  return new StoreError("not_found", "graph", `no ${ref.label} node with id ${ref.id}`);
}

/** True when a node from the database can be named through this port (exported, imported). */
function addressable(label: unknown, id: unknown): boolean {
  return typeof label === "string" && LABEL_RE.test(label) && typeof id === "string" &&
    id.length > 0 && id.length <= MAX_ID_LENGTH;
}

async function exists(tx: ManagedTransaction, ref: NodeRef): Promise<boolean> {
  const r = await tx.run(`MATCH (n:${L(ref.label)} {id: $id}) RETURN count(n) AS c`, {
    id: ref.id,
  });
  return (r.records[0]?.get("c") as number) > 0;
}

/**
 * Opens a driver for `opts.url` with every wait bounded by `timeoutMs`, and (unless `verify` is
 * false) checks the server answers, failing with an `unavailable` or `timeout` StoreError.
 *
 * @example
 * const graph = await openNeo4jGraph({
 *   url: "neo4j://127.0.0.1:7687", user: "neo4j", password: "secret", timeoutMs: 5000,
 * });
 */
export async function openNeo4jGraph(opts: Neo4jGraphOptions): Promise<GraphStore> {
  if (!URL_RE.test(opts.url)) {
    throw new StoreError("invalid", "graph", "NEO4J_URL must start with neo4j:// or bolt://", {
      field: "NEO4J_URL",
    });
  }
  const timeoutMs = opts.timeoutMs;
  let driver: Driver;
  try {
    driver = neo4j.driver(opts.url, neo4j.auth.basic(opts.user, opts.password), {
      disableLosslessIntegers: true,
      connectionTimeout: Math.min(timeoutMs, 5_000),
      connectionAcquisitionTimeout: timeoutMs,
      // Retries are ours (see attempt()): the driver's cannot recognise its errors under Deno.
      maxTransactionRetryTime: 0,
      logging: { level: "error", logger: () => {} },
    });
  } catch (err) {
    throw mapNeo4jError(err);
  }
  const txConfig = { timeout: timeoutMs };

  /**
   * Runs `work` in a managed transaction on a fresh session, retrying what is safe to retry:
   * every write here is an upsert (MERGE, SET +=) or a delete, so running one twice after a
   * dropped connection leaves the same graph.
   */
  async function attempt<T>(
    mode: "READ" | "WRITE",
    work: (tx: ManagedTransaction) => Promise<T>,
    deadline: number,
  ): Promise<T> {
    for (let n = 1;; n++) {
      const session = driver.session({
        defaultAccessMode: mode === "READ" ? neo4j.session.READ : neo4j.session.WRITE,
      });
      try {
        return mode === "READ"
          ? await session.executeRead(work, txConfig)
          : await session.executeWrite(work, txConfig);
      } catch (err) {
        const kind = neo4jRetryKind(err);
        const delay = Math.min(500, 10 * 2 ** n) * (0.5 + Math.random() / 2);
        const again = (kind === "transient" || (kind === "connection" && n < 3)) &&
          performance.now() + delay < deadline;
        if (!again) throw err;
        await new Promise((r) => setTimeout(r, delay));
      } finally {
        // Closing waits for the transaction; after a timeout it finishes in the background.
        session.close().catch(() => {});
      }
    }
  }

  async function call<T>(
    mode: "READ" | "WRITE",
    what: string,
    work: (tx: ManagedTransaction) => Promise<T>,
  ): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    try {
      return await withTimeout("graph", timeoutMs, attempt(mode, work, deadline), what);
    } catch (err) {
      throw mapNeo4jError(err);
    }
  }

  // One uniqueness constraint per label, created the first time the label is written. Schema
  // changes cannot share a transaction with data writes, hence the separate auto-commit run.
  const constrained = new Map<string, Promise<void>>();
  function ensureLabel(label: string): Promise<void> {
    let p = constrained.get(label);
    if (!p) {
      p = (async () => {
        const session = driver.session({ defaultAccessMode: neo4j.session.WRITE });
        try {
          await withTimeout(
            "graph",
            timeoutMs,
            session.run(
              `CREATE CONSTRAINT ${`graph_${label}_id`} IF NOT EXISTS
               FOR (n:${L(label)}) REQUIRE n.id IS UNIQUE`,
            ),
            "constraint",
          );
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          // Someone else's equivalent constraint (another name) already guards the label.
          if (typeof code === "string" && /AlreadyExists/.test(code)) return;
          throw mapNeo4jError(err);
        } finally {
          session.close().catch(() => {});
        }
      })();
      constrained.set(label, p);
      p.catch(() => constrained.delete(label));
    }
    return p;
  }

  /** Ensures the label's constraint, then returns the batch upsert to run in a transaction. */
  async function upsertNodes(label: string, rows: { id: string; props: Props }[]) {
    await ensureLabel(label);
    return (tx: ManagedTransaction) =>
      tx.run(
        `UNWIND $rows AS row MERGE (n:${L(label)} {id: row.id}) SET n += row.props
         RETURN ${NODE_MAP} AS node`,
        { rows },
      );
  }

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

  const store: GraphStore = {
    adapter: "neo4j",

    async upsertNode(node, props) {
      const ref = checkRef(node);
      const p = checkProps(props, "node");
      const work = await upsertNodes(ref.label, [{ id: ref.id, props: p }]);
      return await call("WRITE", "upsertNode", async (tx) => {
        const r = await work(tx);
        return toNode(r.records[0].get("node"));
      });
    },

    async getNode(node) {
      const ref = checkRef(node);
      return await call("READ", "getNode", async (tx) => {
        const r = await tx.run(`MATCH (n:${L(ref.label)} {id: $id}) RETURN ${NODE_MAP} AS node`, {
          id: ref.id,
        });
        return r.records[0] ? toNode(r.records[0].get("node")) : null;
      });
    },

    async deleteNode(node) {
      const ref = checkRef(node);
      return await call("WRITE", "deleteNode", async (tx) => {
        const r = await tx.run(`MATCH (n:${L(ref.label)} {id: $id}) DETACH DELETE n`, {
          id: ref.id,
        });
        return r.summary.counters.updates().nodesDeleted > 0;
      });
    },

    async upsertEdge(from, type, to, props) {
      const a = checkRef(from, "from");
      const t = checkType(type);
      const b = checkRef(to, "to");
      const p = checkProps(props, "edge");
      return await call("WRITE", "upsertEdge", async (tx) => {
        const r = await tx.run(
          `MATCH (a:${L(a.label)} {id: $aid}) MATCH (b:${L(b.label)} {id: $bid})
           MERGE (a)-[r:${T(t)}]->(b) SET r += $props
           RETURN properties(r) AS props`,
          { aid: a.id, bid: b.id, props: p },
        );
        if (r.records.length === 0) throw notFound((await exists(tx, a)) ? b : a);
        return { from: a, type: t, to: b, props: toProps(r.records[0].get("props"), false) };
      });
    },

    async deleteEdge(from, type, to) {
      const a = checkRef(from, "from");
      const t = checkType(type);
      const b = checkRef(to, "to");
      return await call("WRITE", "deleteEdge", async (tx) => {
        const r = await tx.run(
          `MATCH (a:${L(a.label)} {id: $aid})-[r:${T(t)}]->(b:${L(b.label)} {id: $bid}) DELETE r`,
          { aid: a.id, bid: b.id },
        );
        return r.summary.counters.updates().relationshipsDeleted > 0;
      });
    },

    async neighbours(start, options) {
      const ref = checkRef(start, "start");
      const o = checkTraversal(options);
      return await call("READ", "neighbours", async (tx) => {
        const rows = await reach(tx, ref, o, o.limit + 1);
        return rows.slice(1).map(({ node, depth }) => ({ node, depth }));
      });
    },

    async subgraph(center, options) {
      const ref = checkRef(center, "center");
      const o = checkTraversal(options);
      return await call("READ", "subgraph", async (tx) => {
        const rows = await reach(tx, ref, o, o.limit);
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
      });
    },

    async shortestPath(from, to, options) {
      const a = checkRef(from, "from");
      const b = checkRef(to, "to");
      const o = checkPathOptions(options);
      return await call("READ", "shortestPath", async (tx) => {
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
      });
    },

    async degree(node, options) {
      const ref = checkRef(node);
      const o = checkDegreeOptions(options);
      return await call("READ", "degree", async (tx) => {
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
      });
    },

    async *exportNdjson() {
      // One read session streams both queries; the driver pulls EXPORT_FETCH records at a time.
      const session = driver.session({
        defaultAccessMode: neo4j.session.READ,
        fetchSize: EXPORT_FETCH,
      });
      try {
        const nodes = session.run(
          `MATCH (n) WHERE n.id IS NOT NULL RETURN ${NODE_MAP} AS node`,
        );
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
    },

    async importNdjson(lines) {
      return await importLines(lines, {
        async nodes(batch) {
          const byLabel = Map.groupBy(batch, (n) => n.label);
          const writers: ((tx: ManagedTransaction) => Promise<unknown>)[] = [];
          for (const [label, group] of byLabel) {
            writers.push(
              await upsertNodes(label, group.map((n) => ({ id: n.id, props: n.props }))),
            );
          }
          await call("WRITE", "import", async (tx) => {
            for (const w of writers) await w(tx);
          });
        },
        async edges(batch) {
          const groups = Map.groupBy(
            batch.map((e, i) => ({ e, i })),
            ({ e }) => `${e.from.label} ${e.type} ${e.to.label}`,
          );
          await call("WRITE", "import", async (tx) => {
            for (const group of groups.values()) {
              const { from, type, to } = group[0].e;
              const r = await tx.run(
                `UNWIND $rows AS row
                 MATCH (a:${L(from.label)} {id: row.from}) MATCH (b:${L(to.label)} {id: row.to})
                 MERGE (a)-[r:${T(type)}]->(b) SET r += row.props
                 RETURN row.i AS i`,
                {
                  rows: group.map(({ e, i }) => ({
                    i,
                    from: e.from.id,
                    to: e.to.id,
                    props: e.props,
                  })),
                },
              );
              if (r.records.length < group.length) {
                const done = new Set(r.records.map((rec) => rec.get("i") as number));
                const missing = group.find(({ i }) => !done.has(i))!.e;
                // Throwing rolls the batch back.
                throw notFound((await exists(tx, missing.from)) ? missing.to : missing.from);
              }
            }
          });
        },
      });
    },

    async counts() {
      return await call("READ", "counts", async (tx) => {
        const n = await tx.run("MATCH (n) RETURN count(n) AS c");
        const e = await tx.run("MATCH ()-[r]->() RETURN count(r) AS c");
        return { nodes: n.records[0].get("c") as number, edges: e.records[0].get("c") as number };
      });
    },

    health() {
      return measureHealth("neo4j", () => call("READ", "health", (tx) => tx.run("RETURN 1")));
    },

    async close() {
      await driver.close();
    },
  };

  if (opts.verify !== false) {
    try {
      await withTimeout("graph", timeoutMs, driver.getServerInfo(), "connect");
    } catch (err) {
      await driver.close().catch(() => {});
      throw mapNeo4jError(err);
    }
  }
  return store;
}
