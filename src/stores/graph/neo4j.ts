/**
 * Server graph adapter: Neo4j over Bolt via npm:neo4j-driver, a session per call, parameterised
 * Cypher only (labels and types, which Cypher cannot parameterise, are checked in validate.ts).
 *
 * @module
 */
import neo4j, { type Driver } from "neo4j-driver";
import { StoreError } from "../errors.ts";
import { measureHealth } from "../health.ts";
import type { StoreHealth } from "../health.ts";
import { withTimeout } from "../resilience.ts";
import { L, NODE_MAP, notFound, T, toNode, toProps } from "./neo4j_cypher.ts";
import { mapNeo4jError } from "./neo4j_errors.ts";
import { exists, Neo4jRunner } from "./neo4j_session.ts";
import { exportLines, importLinesInto, upsertNodes } from "./neo4j_transfer.ts";
import { degreeOf, neighboursOf, shortestPathOf, subgraphOf } from "./neo4j_traversal.ts";
import type {
  Direction,
  GraphEdge,
  GraphNode,
  GraphStore,
  Neighbour,
  NodeRef,
  Props,
  Subgraph,
  TraverseOptions,
} from "./port.ts";
import {
  checkDegreeOptions,
  checkPathOptions,
  checkProps,
  checkRef,
  checkTraversal,
  checkType,
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

/** The GraphStore over one driver; every method validates its input before any Cypher runs. */
class Neo4jGraph implements GraphStore {
  readonly adapter = "neo4j";
  readonly #driver: Driver;
  readonly #run: Neo4jRunner;

  constructor(driver: Driver, timeoutMs: number) {
    this.#driver = driver;
    this.#run = new Neo4jRunner(driver, timeoutMs);
  }

  async upsertNode(node: NodeRef, props?: Props): Promise<GraphNode> {
    const ref = checkRef(node);
    const p = checkProps(props, "node");
    const work = await upsertNodes(this.#run, ref.label, [{ id: ref.id, props: p }]);
    return await this.#run.call("WRITE", "upsertNode", async (tx) => {
      const r = await work(tx);
      return toNode(r.records[0].get("node"));
    });
  }

  async getNode(node: NodeRef): Promise<GraphNode | null> {
    const ref = checkRef(node);
    return await this.#run.call("READ", "getNode", async (tx) => {
      const r = await tx.run(
        `MATCH (n:${L(ref.label)} {id: $id}) RETURN ${NODE_MAP} AS node`,
        { id: ref.id },
      );
      return r.records[0] ? toNode(r.records[0].get("node")) : null;
    });
  }

  async deleteNode(node: NodeRef): Promise<boolean> {
    const ref = checkRef(node);
    return await this.#run.call("WRITE", "deleteNode", async (tx) => {
      const r = await tx.run(`MATCH (n:${L(ref.label)} {id: $id}) DETACH DELETE n`, {
        id: ref.id,
      });
      return r.summary.counters.updates().nodesDeleted > 0;
    });
  }

  async upsertEdge(from: NodeRef, type: string, to: NodeRef, props?: Props): Promise<GraphEdge> {
    const a = checkRef(from, "from");
    const t = checkType(type);
    const b = checkRef(to, "to");
    const p = checkProps(props, "edge");
    return await this.#run.call("WRITE", "upsertEdge", async (tx) => {
      const r = await tx.run(
        `MATCH (a:${L(a.label)} {id: $aid}) MATCH (b:${L(b.label)} {id: $bid})
         MERGE (a)-[r:${T(t)}]->(b) SET r += $props
         RETURN properties(r) AS props`,
        { aid: a.id, bid: b.id, props: p },
      );
      if (r.records.length === 0) throw notFound((await exists(tx, a)) ? b : a);
      return { from: a, type: t, to: b, props: toProps(r.records[0].get("props"), false) };
    });
  }

  async deleteEdge(from: NodeRef, type: string, to: NodeRef): Promise<boolean> {
    const a = checkRef(from, "from");
    const t = checkType(type);
    const b = checkRef(to, "to");
    return await this.#run.call("WRITE", "deleteEdge", async (tx) => {
      const r = await tx.run(
        `MATCH (a:${L(a.label)} {id: $aid})-[r:${T(t)}]->(b:${L(b.label)} {id: $bid}) DELETE r`,
        { aid: a.id, bid: b.id },
      );
      return r.summary.counters.updates().relationshipsDeleted > 0;
    });
  }

  async neighbours(start: NodeRef, options?: TraverseOptions): Promise<Neighbour[]> {
    const ref = checkRef(start, "start");
    const o = checkTraversal(options);
    return await this.#run.call("READ", "neighbours", (tx) => neighboursOf(tx, ref, o));
  }

  async subgraph(center: NodeRef, options?: TraverseOptions): Promise<Subgraph> {
    const ref = checkRef(center, "center");
    const o = checkTraversal(options);
    return await this.#run.call("READ", "subgraph", (tx) => subgraphOf(tx, ref, o));
  }

  async shortestPath(
    from: NodeRef,
    to: NodeRef,
    options?: { maxDepth?: number; types?: readonly string[]; direction?: Direction },
  ): Promise<Subgraph | null> {
    const a = checkRef(from, "from");
    const b = checkRef(to, "to");
    const o = checkPathOptions(options);
    return await this.#run.call("READ", "shortestPath", (tx) => shortestPathOf(tx, a, b, o));
  }

  async degree(
    node: NodeRef,
    options?: { types?: readonly string[]; direction?: Direction },
  ): Promise<number> {
    const ref = checkRef(node);
    const o = checkDegreeOptions(options);
    return await this.#run.call("READ", "degree", (tx) => degreeOf(tx, ref, o));
  }

  exportNdjson(): AsyncIterable<string> {
    return exportLines(this.#driver);
  }

  async importNdjson(lines: AsyncIterable<string>): Promise<{ nodes: number; edges: number }> {
    return await importLinesInto(this.#run, lines);
  }

  async counts(): Promise<{ nodes: number; edges: number }> {
    return await this.#run.call("READ", "counts", async (tx) => {
      const n = await tx.run("MATCH (n) RETURN count(n) AS c");
      const e = await tx.run("MATCH ()-[r]->() RETURN count(r) AS c");
      return { nodes: n.records[0].get("c") as number, edges: e.records[0].get("c") as number };
    });
  }

  health(): Promise<StoreHealth> {
    return measureHealth(
      "neo4j",
      () => this.#run.call("READ", "health", (tx) => tx.run("RETURN 1")),
    );
  }

  async close(): Promise<void> {
    await this.#driver.close();
  }
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
      // Retries are ours (see Neo4jRunner): the driver's cannot recognise its errors under Deno.
      maxTransactionRetryTime: 0,
      logging: { level: "error", logger: () => {} },
    });
  } catch (err) {
    throw mapNeo4jError(err);
  }
  const store = new Neo4jGraph(driver, timeoutMs);
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
