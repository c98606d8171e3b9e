/**
 * The pure pieces of the embedded graph adapter (./postgres.ts): its schema, the recursive CTEs
 * it traverses with, row mapping, and how driver failures become graph StoreErrors.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { Row } from "../relational/port.ts";
import type { Direction, GraphEdge, GraphNode, NodeRef, Props } from "./port.ts";

// Kept out of sql/ migrations on purpose: the tables belong to this adapter and are only needed
// when the graph role runs embedded, so the adapter creates them itself, idempotently.
export const SCHEMA = `
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
export function asGraphError(err: unknown): unknown {
  if (err instanceof StoreError && err.store === "relational") {
    return new StoreError(err.code, "graph", err.message, { cause: err, field: err.field });
  }
  return err;
}

export function isForeignKeyViolation(err: unknown): boolean {
  if (!(err instanceof StoreError)) return false;
  const cause = err.cause as { code?: unknown } | undefined;
  return cause?.code === "23503";
}

export function notFound(ref: NodeRef): StoreError {
  return new StoreError("not_found", "graph", `no ${ref.label} node with id ${ref.id}`);
}

export function reverse(d: Direction): Direction {
  return d === "out" ? "in" : d === "in" ? "out" : "both";
}

/**
 * One hop from the row aliased `at` (columns label, id): yields (label, id, type, fwd) for each
 * neighbour, `fwd` true when the edge points away from `at`. `types` is a text[] parameter
 * (NULL for all types). Only fixed SQL is spliced in here, never input.
 */
export function hop(direction: Direction, at: string, types: string): string {
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
export function reachSql(direction: Direction): string {
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
export function pathSql(direction: Direction): string {
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

export const EDGES_AMONG_SQL = `
  WITH ids AS (SELECT * FROM unnest($1::text[], $2::text[]) AS k(label, id))
  SELECT e.from_label, e.from_id, e.type, e.to_label, e.to_id, e.props
    FROM graph_edges e
   WHERE (e.from_label, e.from_id) IN (SELECT label, id FROM ids)
     AND (e.to_label, e.to_id) IN (SELECT label, id FROM ids)
     AND ($3::text[] IS NULL OR e.type = ANY($3::text[]))
   ORDER BY e.from_label COLLATE "C", e.from_id COLLATE "C", e.type COLLATE "C",
            e.to_label COLLATE "C", e.to_id COLLATE "C"`;

export interface NodeRow extends Row {
  label: string;
  id: string;
  props: Props;
}

export interface EdgeRow extends Row {
  from_label: string;
  from_id: string;
  type: string;
  to_label: string;
  to_id: string;
  props: Props;
}

export function toNode(r: NodeRow): GraphNode {
  return { label: r.label, id: r.id, props: r.props };
}

export function toEdge(r: EdgeRow): GraphEdge {
  return {
    from: { label: r.from_label, id: r.from_id },
    type: r.type,
    to: { label: r.to_label, id: r.to_id },
    props: r.props,
  };
}

export function edgeKey(e: Pick<GraphEdge, "from" | "type" | "to">): string {
  return JSON.stringify([e.from.label, e.from.id, e.type, e.to.label, e.to.id]);
}

export function hasNull(props: Props): boolean {
  return Object.values(props).some((v) => v === null);
}
