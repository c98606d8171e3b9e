// The graph port: labelled nodes and typed edges over npm:neo4j-driver (server) or node and edge
// tables in the relational store traversed with recursive CTEs (embedded).
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

export interface GraphStore {
  readonly adapter: string;
  upsertNode(node: NodeRef, props?: Props): Promise<GraphNode>;
  getNode(node: NodeRef): Promise<GraphNode | null>;
  /** Deletes the node and every edge touching it; false when there was no such node. */
  deleteNode(node: NodeRef): Promise<boolean>;
  /** Creates or updates the edge; both nodes must exist (else a `not_found` StoreError). */
  upsertEdge(from: NodeRef, type: string, to: NodeRef, props?: Props): Promise<GraphEdge>;
  deleteEdge(from: NodeRef, type: string, to: NodeRef): Promise<boolean>;
  /** Nodes reachable within `depth` hops, excluding the start, each at its smallest depth. */
  neighbours(start: NodeRef, options?: TraverseOptions): Promise<Neighbour[]>;
  /** Nodes within `depth` hops (start included) and the edges among them, for a mind map. */
  subgraph(center: NodeRef, options?: TraverseOptions): Promise<Subgraph>;
  /** Shortest path (nodes in order, and the edges used), or null when none within `maxDepth`. */
  shortestPath(
    from: NodeRef,
    to: NodeRef,
    options?: { maxDepth?: number; types?: readonly string[]; direction?: Direction },
  ): Promise<Subgraph | null>;
  degree(
    node: NodeRef,
    options?: { types?: readonly string[]; direction?: Direction },
  ): Promise<number>;
  /** Nodes then edges, one NDJSON line each: `{"kind":"node",...}` / `{"kind":"edge",...}`. */
  exportNdjson(): AsyncIterable<string>;
  importNdjson(lines: AsyncIterable<string>): Promise<{ nodes: number; edges: number }>;
  counts(): Promise<{ nodes: number; edges: number }>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
