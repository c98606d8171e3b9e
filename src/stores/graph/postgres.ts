/**
 * Embedded graph adapter: node and edge tables in the relational store (PGlite or server
 * Postgres), traversed breadth-first with recursive CTEs bounded by depth.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import { measureHealth } from "../health.ts";
import type { Queryable, RelationalStore, Row } from "../relational/port.ts";
import { edgeLine, importLines, nodeLine } from "./ndjson.ts";
import type { Direction, GraphEdge, GraphNode, GraphStore, NodeRef, Props } from "./port.ts";
import {
  checkDegreeOptions,
  checkPathOptions,
  checkProps,
  checkRef,
  checkTraversal,
  checkType,
  sameRef,
} from "./validate.ts";

const EXPORT_BATCH = 500;

// Kept out of sql/ migrations on purpose: the tables belong to this adapter and are only needed
// when the graph role runs embedded, so the adapter creates them itself, idempotently.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS graph_nodes (
  label text NOT NULL,
  id text NOT NULL,
  props jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (label, id)
);
CREATE TABLE IF NOT EXISTS graph_edges (
  from_label text NOT NULL,
  from_id text NOT NULL,
  type text NOT NULL,
  to_label text NOT NULL,
  to_id text NOT NULL,
  props jsonb NOT NULL DEFAULT '{}'::jsonb,
  PRIMARY KEY (from_label, from_id, type, to_label, to_id),
  FOREIGN KEY (from_label, from_id) REFERENCES graph_nodes (label, id) ON DELETE CASCADE,
  FOREIGN KEY (to_label, to_id) REFERENCES graph_nodes (label, id) ON DELETE CASCADE
);
-- Incoming edges and the cascade from the "to" side; outgoing ones use the primary key.
CREATE INDEX IF NOT EXISTS graph_edges_to_idx ON graph_edges (to_label, to_id, type);
`;

/** Wraps relational StoreErrors so callers see the graph role; other errors pass unchanged. */
function asGraphError(err: unknown): unknown {
  if (err instanceof StoreError && err.store === "relational") {
    return new StoreError(err.code, "graph", err.message, { cause: err, field: err.field });
  }
  return err;
}

function isForeignKeyViolation(err: unknown): boolean {
  if (!(err instanceof StoreError)) return false;
  const cause = err.cause as { code?: unknown } | undefined;
  return cause?.code === "23503";
}

function notFound(ref: NodeRef): StoreError {
  return new StoreError("not_found", "graph", `no ${ref.label} node with id ${ref.id}`);
}

function reverse(d: Direction): Direction {
  return d === "out" ? "in" : d === "in" ? "out" : "both";
}

/**
 * One hop from the row aliased `at` (columns label, id): yields (label, id, type, fwd) for each
 * neighbour, `fwd` true when the edge points away from `at`. `types` is a text[] parameter
 * (NULL for all types). Only fixed SQL is spliced in here, never input.
 */
function hop(direction: Direction, at: string, types: string): string {
  const typeOk = `(${types}::text[] IS NULL OR e.type = ANY(${types}::text[]))`;
  const out = `SELECT e.to_label AS label, e.to_id AS id, e.type, true AS fwd FROM graph_edges e
    WHERE e.from_label = ${at}.label AND e.from_id = ${at}.id AND ${typeOk}`;
  const inn =
    `SELECT e.from_label AS label, e.from_id AS id, e.type, false AS fwd FROM graph_edges e
    WHERE e.to_label = ${at}.label AND e.to_id = ${at}.id AND ${typeOk}`;
  if (direction === "out") return out;
  if (direction === "in") return inn;
  return `${out} UNION ALL ${inn}`;
}

/**
 * Nodes within $4 hops of ($1, $2) with their smallest depth, the start first (depth 0), then
 * by depth, label, id; at most $5 rows; no rows when the start does not exist.
 *
 * Cycle guard: rows are (node, depth) and the recursion uses UNION, so a level never holds a
 * node twice and the depth bound stops the walk; a cycle can revisit a node only at a deeper
 * level, which min(depth) then discards. Work is bounded by depth x edges in reach, unlike
 * path-array enumeration, which grows exponentially around hub nodes (a popular Tag).
 */
function reachSql(direction: Direction): string {
  return `WITH RECURSIVE walk(label, id, depth) AS (
    SELECT label, id, 0 FROM graph_nodes WHERE label = $1 AND id = $2
    UNION
    SELECT s.label, s.id, w.depth + 1
      FROM walk w CROSS JOIN LATERAL (${hop(direction, "w", "$3")}) s
     WHERE w.depth < $4
  ), reach AS (SELECT label, id, min(depth) AS depth FROM walk GROUP BY label, id)
  SELECT n.label, n.id, n.props, r.depth
    FROM reach r JOIN graph_nodes n ON n.label = r.label AND n.id = r.id
   ORDER BY r.depth, n.label COLLATE "C", n.id COLLATE "C"
   LIMIT $5`;
}

/**
 * Shortest path from ($1,$2) to ($3,$4) over types $5 within $6 hops. A breadth-first walk back
 * from the target gives every node's distance to it; the path then steps forward, each time to
 * the neighbour one hop closer with the smallest (label, id, type, forward-first), so ties
 * between equally short paths are broken the same way as in the Neo4j adapter.
 */
function pathSql(direction: Direction): string {
  return `WITH RECURSIVE back(label, id, depth) AS (
    SELECT label, id, 0 FROM graph_nodes WHERE label = $3 AND id = $4
    UNION
    SELECT s.label, s.id, b.depth + 1
      FROM back b CROSS JOIN LATERAL (${hop(reverse(direction), "b", "$5")}) s
     WHERE b.depth < $6
  ),
  dist AS (SELECT label, id, min(depth) AS d FROM back GROUP BY label, id),
  total AS (SELECT d FROM dist WHERE label = $1 AND id = $2),
  walk(step, label, id, prev_label, prev_id, type, fwd) AS (
    SELECT 0, $1::text, $2::text, NULL::text, NULL::text, NULL::text, NULL::boolean FROM total
    UNION ALL
    SELECT w.step + 1, nx.label, nx.id, w.label, w.id, nx.type, nx.fwd
      FROM walk w CROSS JOIN total t CROSS JOIN LATERAL (
        SELECT s.label, s.id, s.type, s.fwd
          FROM (${hop(direction, "w", "$5")}) s
          JOIN dist d ON d.label = s.label AND d.id = s.id
         WHERE d.d = t.d - w.step - 1
         ORDER BY s.label COLLATE "C", s.id COLLATE "C", s.type COLLATE "C", s.fwd DESC
         LIMIT 1
      ) nx
     WHERE w.step < t.d
  )
  SELECT w.label, w.id, n.props, w.prev_label, w.prev_id, w.type, w.fwd, e.props AS edge_props
    FROM walk w
    JOIN graph_nodes n ON n.label = w.label AND n.id = w.id
    LEFT JOIN graph_edges e ON e.type = w.type AND (
      (w.fwd AND e.from_label = w.prev_label AND e.from_id = w.prev_id
             AND e.to_label = w.label AND e.to_id = w.id) OR
      (NOT w.fwd AND e.from_label = w.label AND e.from_id = w.id
                 AND e.to_label = w.prev_label AND e.to_id = w.prev_id))
   ORDER BY w.step`;
}

const EDGES_AMONG_SQL = `
  WITH ids AS (SELECT * FROM unnest($1::text[], $2::text[]) AS k(label, id))
  SELECT e.from_label, e.from_id, e.type, e.to_label, e.to_id, e.props
    FROM graph_edges e
   WHERE (e.from_label, e.from_id) IN (SELECT label, id FROM ids)
     AND (e.to_label, e.to_id) IN (SELECT label, id FROM ids)
     AND ($3::text[] IS NULL OR e.type = ANY($3::text[]))
   ORDER BY e.from_label COLLATE "C", e.from_id COLLATE "C", e.type COLLATE "C",
            e.to_label COLLATE "C", e.to_id COLLATE "C"`;

interface NodeRow extends Row {
  label: string;
  id: string;
  props: Props;
}

interface EdgeRow extends Row {
  from_label: string;
  from_id: string;
  type: string;
  to_label: string;
  to_id: string;
  props: Props;
}

function toNode(r: NodeRow): GraphNode {
  return { label: r.label, id: r.id, props: r.props };
}

function toEdge(r: EdgeRow): GraphEdge {
  return {
    from: { label: r.from_label, id: r.from_id },
    type: r.type,
    to: { label: r.to_label, id: r.to_id },
    props: r.props,
  };
}

function edgeKey(e: Pick<GraphEdge, "from" | "type" | "to">): string {
  return JSON.stringify([e.from.label, e.from.id, e.type, e.to.label, e.to.id]);
}

function hasNull(props: Props): boolean {
  return Object.values(props).some((v) => v === null);
}

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
