/**
 * The graph backup format shared by both adapters: one JSON object per line, nodes then edges,
 * and an import loop that validates every line and hands batches to the adapter's writers.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { GraphEdge, GraphNode, NodeRef, Props } from "./port.ts";
import { checkProps, checkRef, checkType, invalid } from "./validate.ts";

/** Rows per write when importing. */
export const IMPORT_BATCH = 500;

/** One export line (with its newline) for a node. */
export function nodeLine(node: GraphNode): string {
  return JSON.stringify({ kind: "node", label: node.label, id: node.id, props: node.props }) +
    "\n";
}

/** One export line (with its newline) for an edge. */
export function edgeLine(edge: GraphEdge): string {
  return JSON.stringify({
    kind: "edge",
    from: { label: edge.from.label, id: edge.from.id },
    type: edge.type,
    to: { label: edge.to.label, id: edge.to.id },
    props: edge.props,
  }) + "\n";
}

/** A parsed, validated import record. */
export type GraphRecord =
  | { kind: "node"; node: GraphNode }
  | { kind: "edge"; edge: GraphEdge };

/** Parses and validates one line; `lineNo` is used in error messages. */
export function parseLine(line: string, lineNo: number): GraphRecord {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw invalid(`line ${lineNo}: not valid JSON`, `line ${lineNo}`);
  }
  if (typeof value !== "object" || value === null) {
    throw invalid(`line ${lineNo}: expected an object`, `line ${lineNo}`);
  }
  const v = value as Record<string, unknown>;
  try {
    if (v.kind === "node") {
      const ref = checkRef({ label: v.label, id: v.id });
      return { kind: "node", node: { ...ref, props: checkProps(v.props ?? {}, "node") } };
    }
    if (v.kind === "edge") {
      return {
        kind: "edge",
        edge: {
          from: checkRef(v.from, "from"),
          type: checkType(v.type),
          to: checkRef(v.to, "to"),
          props: checkProps(v.props ?? {}, "edge"),
        },
      };
    }
  } catch (err) {
    if (err instanceof StoreError) throw invalid(`line ${lineNo}: ${err.message}`, err.field);
    throw err;
  }
  throw invalid(`line ${lineNo}: kind must be "node" or "edge"`, `line ${lineNo}`);
}

/** The adapter's batch writers; each upserts its whole batch or throws. */
export interface ImportWriters {
  nodes(batch: GraphNode[]): Promise<void>;
  /** Must throw a `not_found` StoreError when an edge names a node that does not exist. */
  edges(batch: GraphEdge[]): Promise<void>;
}

function refKey(r: NodeRef): string {
  return `${r.label}:${r.id}`;
}

/** Later lines for the same node or edge merge into earlier ones, as successive upserts would. */
function mergeInto<T extends { props: Props }>(map: Map<string, T>, key: string, item: T): void {
  const prev = map.get(key);
  map.set(key, prev ? { ...item, props: { ...prev.props, ...item.props } } : item);
}

/**
 * Reads NDJSON (each item one or more whole lines; blank lines skipped), validates each line and
 * upserts in batches. Pending nodes are written before any edge batch so edges can find them.
 */
export async function importLines(
  lines: AsyncIterable<string>,
  write: ImportWriters,
  batchSize = IMPORT_BATCH,
): Promise<{ nodes: number; edges: number }> {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const counts = { nodes: 0, edges: 0 };
  const flushNodes = async () => {
    if (nodes.size === 0) return;
    await write.nodes([...nodes.values()]);
    nodes.clear();
  };
  const flushEdges = async () => {
    if (edges.size === 0) return;
    await flushNodes();
    await write.edges([...edges.values()]);
    edges.clear();
  };
  let lineNo = 0;
  for await (const chunk of lines) {
    for (const line of chunk.replace(/\r?\n$/, "").split("\n")) {
      lineNo++;
      if (line.trim() === "") continue;
      const rec = parseLine(line, lineNo);
      if (rec.kind === "node") {
        mergeInto(nodes, refKey(rec.node), rec.node);
        counts.nodes++;
        if (nodes.size >= batchSize) await flushNodes();
      } else {
        const e = rec.edge;
        mergeInto(edges, `${refKey(e.from)}\u0000${e.type}\u0000${refKey(e.to)}`, e);
        counts.edges++;
        if (edges.size >= batchSize) await flushEdges();
      }
    }
  }
  await flushNodes();
  await flushEdges();
  return counts;
}
