/**
 * Embedded graph adapter: node and edge tables in the relational store (PGlite or server
 * Postgres), traversed breadth-first with recursive CTEs bounded by depth.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import { measureHealth } from "../health.ts";
import type { Queryable, RelationalStore } from "../relational/port.ts";
import { edgeLine, importLines, nodeLine } from "./ndjson.ts";
import type { GraphEdge, GraphNode, GraphStore, NodeRef, Props } from "./port.ts";
import {
  checkDegreeOptions,
  checkPathOptions,
  checkProps,
  checkRef,
  checkTraversal,
  checkType,
  sameRef,
} from "./validate.ts";

import {
  asGraphError,
  edgeKey,
  type EdgeRow,
  EDGES_AMONG_SQL,
  hasNull,
  isForeignKeyViolation,
  type NodeRow,
  notFound,
  pathSql,
  reachSql,
  SCHEMA,
  toEdge,
  toNode,
} from "./postgres_sql.ts";

const EXPORT_BATCH = 500;

/**
 * Opens the graph on a relational store, creating its two tables when missing. `close()` leaves
 * the relational store open: it belongs to the caller.
 *
 * @example
 * const graph = await openPostgresGraph(await openPglite("memory://"));
 * await graph.upsertNode({ label: "Tag", id: "deno" }, { name: "Deno" });
 */
export async function openPostgresGraph(db: RelationalStore): Promise<GraphStore> {
  try {
    await db.exec(SCHEMA);
  } catch (err) {
    // Two processes creating the tables at once can collide in the catalog; the second try
    // finds them in place.
    if (!(err instanceof StoreError && err.code === "conflict")) throw asGraphError(err);
    await db.exec(SCHEMA).catch((e) => Promise.reject(asGraphError(e)));
  }

  async function run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw asGraphError(err);
    }
  }

  async function upsertNodeOn(q: Queryable, ref: NodeRef, props: Props): Promise<GraphNode> {
    const { rows } = await q.query<NodeRow>(
      `INSERT INTO graph_nodes (label, id, props) VALUES ($1, $2, jsonb_strip_nulls($3::text::jsonb))
       ON CONFLICT (label, id)
       DO UPDATE SET props = jsonb_strip_nulls(graph_nodes.props || $3::text::jsonb)
       RETURNING label, id, props`,
      [ref.label, ref.id, JSON.stringify(props)],
    );
    return toNode(rows[0]);
  }

  async function upsertEdgeOn(
    q: Queryable,
    from: NodeRef,
    type: string,
    to: NodeRef,
    props: Props,
  ): Promise<GraphEdge> {
    let rows: EdgeRow[];
    try {
      ({ rows } = await q.query<EdgeRow>(
        `INSERT INTO graph_edges (from_label, from_id, type, to_label, to_id, props)
         SELECT $1::text, $2::text, $3::text, $4::text, $5::text, jsonb_strip_nulls($6::text::jsonb)
          WHERE EXISTS (SELECT 1 FROM graph_nodes WHERE label = $1 AND id = $2)
            AND EXISTS (SELECT 1 FROM graph_nodes WHERE label = $4 AND id = $5)
         ON CONFLICT (from_label, from_id, type, to_label, to_id)
         DO UPDATE SET props = jsonb_strip_nulls(graph_edges.props || $6::text::jsonb)
         RETURNING from_label, from_id, type, to_label, to_id, props`,
        [from.label, from.id, type, to.label, to.id, JSON.stringify(props)],
      ));
    } catch (err) {
      // A node deleted between the existence check and the insert.
      if (isForeignKeyViolation(err)) throw await missingEnd(q, from, to);
      throw err;
    }
    if (rows.length === 0) throw await missingEnd(q, from, to);
    return toEdge(rows[0]);
  }

  async function missingEnd(q: Queryable, from: NodeRef, to: NodeRef): Promise<StoreError> {
    const { rows } = await q.query<{ ok: boolean }>(
      "SELECT EXISTS (SELECT 1 FROM graph_nodes WHERE label = $1 AND id = $2) AS ok",
      [from.label, from.id],
    );
    return notFound(rows[0]?.ok ? to : from);
  }

  async function reach(start: NodeRef, o: ReturnType<typeof checkTraversal>, cap: number) {
    const { rows } = await db.query<NodeRow & { depth: number }>(reachSql(o.direction), [
      start.label,
      start.id,
      o.types,
      o.depth,
      cap,
    ]);
    if (rows.length === 0) throw notFound(start);
    return rows;
  }

  async function* exportNodes(): AsyncGenerator<string> {
    let after: NodeRow | undefined;
    for (;;) {
      const { rows } = after
        ? await db.query<NodeRow>(
          `SELECT label, id, props FROM graph_nodes WHERE (label, id) > ($1, $2)
           ORDER BY label, id LIMIT ${EXPORT_BATCH}`,
          [after.label, after.id],
        )
        : await db.query<NodeRow>(
          `SELECT label, id, props FROM graph_nodes ORDER BY label, id LIMIT ${EXPORT_BATCH}`,
        );
      for (const r of rows) yield nodeLine(toNode(r));
      if (rows.length < EXPORT_BATCH) return;
      after = rows[rows.length - 1];
    }
  }

  async function* exportEdges(): AsyncGenerator<string> {
    const cols = "from_label, from_id, type, to_label, to_id";
    let after: EdgeRow | undefined;
    for (;;) {
      const { rows } = after
        ? await db.query<EdgeRow>(
          `SELECT ${cols}, props FROM graph_edges WHERE (${cols}) > ($1, $2, $3, $4, $5)
           ORDER BY ${cols} LIMIT ${EXPORT_BATCH}`,
          [after.from_label, after.from_id, after.type, after.to_label, after.to_id],
        )
        : await db.query<EdgeRow>(
          `SELECT ${cols}, props FROM graph_edges ORDER BY ${cols} LIMIT ${EXPORT_BATCH}`,
        );
      for (const r of rows) yield edgeLine(toEdge(r));
      if (rows.length < EXPORT_BATCH) return;
      after = rows[rows.length - 1];
    }
  }

  async function importNodes(batch: GraphNode[]): Promise<void> {
    // Nulls mean "remove this property", which the set-based upsert cannot express (EXCLUDED
    // holds only the stored value), so those rare rows take the single-row path.
    const plain = batch.filter((n) => !hasNull(n.props));
    await db.transaction(async (tx) => {
      if (plain.length > 0) {
        await tx.query(
          `INSERT INTO graph_nodes (label, id, props)
           SELECT x.label, x.id, x.props
             FROM jsonb_to_recordset($1::text::jsonb) AS x(label text, id text, props jsonb)
           ON CONFLICT (label, id) DO UPDATE SET props = graph_nodes.props || EXCLUDED.props`,
          [JSON.stringify(plain)],
        );
      }
      for (const n of batch) if (hasNull(n.props)) await upsertNodeOn(tx, n, n.props);
    });
  }

  async function importEdges(batch: GraphEdge[]): Promise<void> {
    const plain = batch.filter((e) => !hasNull(e.props));
    const rows = plain.map((e) => ({
      from_label: e.from.label,
      from_id: e.from.id,
      type: e.type,
      to_label: e.to.label,
      to_id: e.to.id,
      props: e.props,
    }));
    await db.transaction(async (tx) => {
      if (rows.length > 0) {
        const r = await tx.query<EdgeRow>(
          `INSERT INTO graph_edges (from_label, from_id, type, to_label, to_id, props)
           SELECT x.from_label, x.from_id, x.type, x.to_label, x.to_id, x.props
             FROM jsonb_to_recordset($1::text::jsonb) AS x(
               from_label text, from_id text, type text, to_label text, to_id text, props jsonb)
            WHERE EXISTS (SELECT 1 FROM graph_nodes n WHERE n.label = x.from_label AND n.id = x.from_id)
              AND EXISTS (SELECT 1 FROM graph_nodes n WHERE n.label = x.to_label AND n.id = x.to_id)
           ON CONFLICT (from_label, from_id, type, to_label, to_id)
           DO UPDATE SET props = graph_edges.props || EXCLUDED.props
           RETURNING from_label, from_id, type, to_label, to_id`,
          [JSON.stringify(rows)],
        );
        if (r.rows.length < rows.length) {
          const done = new Set(r.rows.map((x) => edgeKey(toEdge(x))));
          const missing = plain.find((e) => !done.has(edgeKey(e)));
          // Throwing rolls the batch back, so a failed import leaves no half-written batch.
          throw missing ? await missingEnd(tx, missing.from, missing.to) : notFound(plain[0].from);
        }
      }
      for (const e of batch) {
        if (hasNull(e.props)) await upsertEdgeOn(tx, e.from, e.type, e.to, e.props);
      }
    });
  }

  return {
    adapter: "postgres-tables",

    async upsertNode(node, props) {
      const ref = checkRef(node);
      const p = checkProps(props, "node");
      return await run(() => upsertNodeOn(db, ref, p));
    },

    async getNode(node) {
      const ref = checkRef(node);
      return await run(async () => {
        const { rows } = await db.query<NodeRow>(
          "SELECT label, id, props FROM graph_nodes WHERE label = $1 AND id = $2",
          [ref.label, ref.id],
        );
        return rows[0] ? toNode(rows[0]) : null;
      });
    },

    async deleteNode(node) {
      const ref = checkRef(node);
      return await run(async () => {
        const r = await db.query("DELETE FROM graph_nodes WHERE label = $1 AND id = $2", [
          ref.label,
          ref.id,
        ]);
        return r.rowCount > 0;
      });
    },

    async upsertEdge(from, type, to, props) {
      const a = checkRef(from, "from");
      const t = checkType(type);
      const b = checkRef(to, "to");
      const p = checkProps(props, "edge");
      return await run(() => upsertEdgeOn(db, a, t, b, p));
    },

    async deleteEdge(from, type, to) {
      const a = checkRef(from, "from");
      const t = checkType(type);
      const b = checkRef(to, "to");
      return await run(async () => {
        const r = await db.query(
          `DELETE FROM graph_edges WHERE from_label = $1 AND from_id = $2 AND type = $3
             AND to_label = $4 AND to_id = $5`,
          [a.label, a.id, t, b.label, b.id],
        );
        return r.rowCount > 0;
      });
    },

    async neighbours(start, options) {
      const ref = checkRef(start, "start");
      const o = checkTraversal(options);
      return await run(async () => {
        const rows = await reach(ref, o, o.limit + 1);
        return rows.slice(1).map((r) => ({ node: toNode(r), depth: r.depth }));
      });
    },

    async subgraph(center, options) {
      const ref = checkRef(center, "center");
      const o = checkTraversal(options);
      return await run(async () => {
        const rows = await reach(ref, o, o.limit);
        const nodes = rows.map(toNode);
        const edges = await db.query<EdgeRow>(EDGES_AMONG_SQL, [
          nodes.map((n) => n.label),
          nodes.map((n) => n.id),
          o.types,
        ]);
        return { nodes, edges: edges.rows.map(toEdge) };
      });
    },

    async shortestPath(from, to, options) {
      const a = checkRef(from, "from");
      const b = checkRef(to, "to");
      const o = checkPathOptions(options);
      return await run(async () => {
        const { rows: found } = await db.query<NodeRow>(
          `SELECT label, id, props FROM graph_nodes
            WHERE (label = $1 AND id = $2) OR (label = $3 AND id = $4)`,
          [a.label, a.id, b.label, b.id],
        );
        const start = found.find((n) => sameRef(n, a));
        if (!start) throw notFound(a);
        if (!found.some((n) => sameRef(n, b))) throw notFound(b);
        if (sameRef(a, b)) return { nodes: [toNode(start)], edges: [] };
        const { rows } = await db.query<
          NodeRow & {
            prev_label: string | null;
            prev_id: string | null;
            type: string | null;
            fwd: boolean | null;
            edge_props: Props | null;
          }
        >(pathSql(o.direction), [a.label, a.id, b.label, b.id, o.types, o.maxDepth]);
        if (rows.length === 0) return null;
        const nodes = rows.map(toNode);
        const edges = rows.slice(1).map((r): GraphEdge => {
          const here = { label: r.label, id: r.id };
          const prev = { label: r.prev_label ?? "", id: r.prev_id ?? "" };
          return r.fwd
            ? { from: prev, type: r.type ?? "", to: here, props: r.edge_props ?? {} }
            : { from: here, type: r.type ?? "", to: prev, props: r.edge_props ?? {} };
        });
        return { nodes, edges };
      });
    },

    async degree(node, options) {
      const ref = checkRef(node);
      const o = checkDegreeOptions(options);
      const touches = o.direction === "out"
        ? "from_label = $1 AND from_id = $2"
        : o.direction === "in"
        ? "to_label = $1 AND to_id = $2"
        : "((from_label = $1 AND from_id = $2) OR (to_label = $1 AND to_id = $2))";
      return await run(async () => {
        const { rows } = await db.query<{ ok: boolean; n: number }>(
          `SELECT EXISTS (SELECT 1 FROM graph_nodes WHERE label = $1 AND id = $2) AS ok,
                  (SELECT count(*) FROM graph_edges WHERE ${touches}
                      AND ($3::text[] IS NULL OR type = ANY($3::text[]))) AS n`,
          [ref.label, ref.id, o.types],
        );
        if (!rows[0]?.ok) throw notFound(ref);
        return Number(rows[0].n);
      });
    },

    async *exportNdjson() {
      try {
        yield* exportNodes();
        yield* exportEdges();
      } catch (err) {
        throw asGraphError(err);
      }
    },

    async importNdjson(lines) {
      return await run(() => importLines(lines, { nodes: importNodes, edges: importEdges }));
    },

    async counts() {
      return await run(async () => {
        const { rows } = await db.query<{ nodes: number; edges: number }>(
          `SELECT (SELECT count(*) FROM graph_nodes) AS nodes,
                  (SELECT count(*) FROM graph_edges) AS edges`,
        );
        return { nodes: Number(rows[0].nodes), edges: Number(rows[0].edges) };
      });
    },

    health() {
      return measureHealth("postgres-tables", () => db.query("SELECT 1 FROM graph_nodes LIMIT 1"));
    },

    close() {
      return Promise.resolve();
    },
  };
}
