/**
 * The graph port: labelled nodes and typed edges over npm:neo4j-driver (server) or node and edge
 * tables in the relational store traversed with recursive CTEs (embedded).
 *
 * @module
 */
import type { StoreHealth } from "../health.ts";

export type Props = Record<string, string | number | boolean | null | string[] | number[]>;

/** A node is identified by its label and an id unique within that label. */
export interface NodeRef {
  label: string;
  id: string;
}

export interface GraphNode extends NodeRef {
  props: Props;
}

/** At most one edge of a given type runs from one node to another. */
export interface GraphEdge {
  from: NodeRef;
  type: string;
  to: NodeRef;
  props: Props;
}

export type Direction = "out" | "in" | "both";

export interface TraverseOptions {
  /** 1 to 6; default 1. */
  depth?: number;
  /** Only follow edges of these types; all types when absent. */
  types?: readonly string[];
  direction?: Direction;
  /** Cap on returned nodes; default 100, max 1000. */
  limit?: number;
}

export interface Neighbour {
  node: GraphNode;
  /** Hops from the start node along the shortest route found. */
  depth: number;
}

export interface Subgraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/**
 * Shared rules (both adapters): labels match /^[A-Z][A-Za-z0-9_]{0,63}$/, edge types
 * /^[A-Z][A-Z0-9_]{0,63}$/, property keys /^[a-z_][a-z0-9_]{0,63}$/i (`id` is reserved on nodes);
 * values are strings, finite numbers, booleans, null, or lists of only strings or only numbers.
 * Anything else is refused with an `invalid` StoreError. `direction` defaults to "both"; an empty
 * `types` list follows no edge. Traversals from a node that does not exist (neighbours, subgraph,
 * shortestPath, degree) fail with `not_found`. Ties are ordered by label then id (code-point order).
 */
export interface GraphStore {
  readonly adapter: string;
  /**
   * Creates the node or merges into it: given props are set, a null value removes that prop,
   * props not mentioned are kept. Returns the node as stored.
   */
  upsertNode(node: NodeRef, props?: Props): Promise<GraphNode>;
  getNode(node: NodeRef): Promise<GraphNode | null>;
  /** Deletes the node and every edge touching it; false when there was no such node. */
  deleteNode(node: NodeRef): Promise<boolean>;
  /**
   * Creates or updates the edge; both nodes must exist (else a `not_found` StoreError). Props
   * merge as in upsertNode.
   */
  upsertEdge(from: NodeRef, type: string, to: NodeRef, props?: Props): Promise<GraphEdge>;
  deleteEdge(from: NodeRef, type: string, to: NodeRef): Promise<boolean>;
  /**
   * Nodes reachable within `depth` hops, excluding the start, each at its smallest depth,
   * ordered by depth, then label, then id, at most `limit`.
   */
  neighbours(start: NodeRef, options?: TraverseOptions): Promise<Neighbour[]>;
  /**
   * Nodes within `depth` hops (start included) and the edges among them, for a mind map. The
   * start comes first and counts toward `limit`; edges are those of the followed `types`
   * (all when absent) between returned nodes, in either direction.
   */
  subgraph(center: NodeRef, options?: TraverseOptions): Promise<Subgraph>;
  /**
   * Shortest path (nodes in order, and the edges used), or null when none within `maxDepth`
   * (1 to 6, default 6). Edges keep their own from/to. Among equally short paths the one whose
   * steps sort first by (label, id, type, forward before backward) is returned.
   */
  shortestPath(
    from: NodeRef,
    to: NodeRef,
    options?: { maxDepth?: number; types?: readonly string[]; direction?: Direction },
  ): Promise<Subgraph | null>;
  /** Distinct edges touching the node in `direction` (a self-loop counts once), of `types`. */
  degree(
    node: NodeRef,
    options?: { types?: readonly string[]; direction?: Direction },
  ): Promise<number>;
  /** Nodes then edges, one NDJSON line each: `{"kind":"node",...}` / `{"kind":"edge",...}`. */
  exportNdjson(): AsyncIterable<string>;
  /**
   * Upserts (merging, as above) each line; every item holds one or more whole lines. Writes go
   * in batches that commit as they go, so a failed import may leave earlier batches applied;
   * importing again is safe. Counts are of lines read.
   */
  importNdjson(lines: AsyncIterable<string>): Promise<{ nodes: number; edges: number }>;
  counts(): Promise<{ nodes: number; edges: number }>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
