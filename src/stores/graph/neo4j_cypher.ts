/**
 * Cypher text pieces and record mapping for the Neo4j graph adapter: the only place where labels
 * and types (which Cypher cannot parameterise) are spliced into query text, after validation.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { Direction, GraphEdge, GraphNode, NodeRef, Props } from "./port.ts";
import { checkLabel, checkType, LABEL_RE, MAX_ID_LENGTH } from "./validate.ts";

// Only validated labels and types reach these helpers; backticks are belt and braces.
/** A label as Cypher text, validated first. */
export const L = (label: string): string => `\`${checkLabel(label)}\``;
/** A relationship type as Cypher text, validated first. */
export const T = (type: string): string => `\`${checkType(type)}\``;

/** A relationship pattern such as `-[:A|B*1..3]->`; `types` must be non-empty or null. */
export function rel(
  direction: Direction,
  types: readonly string[] | null,
  hops: string,
  name = "",
): string {
  const inner = `[${name}${types ? ":" + types.map(T).join("|") : ""}${hops}]`;
  if (direction === "out") return `-${inner}->`;
  if (direction === "in") return `<-${inner}-`;
  return `-${inner}-`;
}

/** Cypher map projecting node variable `v` as {label, id, props}. */
export const nodeMap = (v: string): string =>
  `{label: labels(${v})[0], id: ${v}.id, props: properties(${v})}`;
/** {@link nodeMap} of the variable `n`. */
export const NODE_MAP: string = nodeMap("n");
/** Cypher map projecting relationship variable `r` with both end nodes. */
export const EDGE_MAP =
  `{from_label: labels(startNode(r))[0], from_id: startNode(r).id, type: type(r),
  to_label: labels(endNode(r))[0], to_id: endNode(r).id, props: properties(r)}`;

/** A node as NODE_MAP returns it. */
export interface NodeMap {
  label: string;
  id: string;
  props: Record<string, unknown>;
}

/** A relationship as EDGE_MAP returns it. */
export interface EdgeMap {
  from_label: string;
  from_id: string;
  type: string;
  to_label: string;
  to_id: string;
  props: Record<string, unknown>;
}

/** Driver values to port props; foreign types (dates, points) written by others become text. */
export function toProps(raw: Record<string, unknown>, dropId: boolean): Props {
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

/** A NODE_MAP record as a port node (its `id` property is the node id, not a prop). */
export function toNode(m: NodeMap): GraphNode {
  return { label: m.label, id: m.id, props: toProps(m.props, true) };
}

/** An EDGE_MAP record as a port edge. */
export function toEdge(m: EdgeMap): GraphEdge {
  return {
    from: { label: m.from_label, id: m.from_id },
    type: m.type,
    to: { label: m.to_label, id: m.to_id },
    props: toProps(m.props, false),
  };
}

/** The port's error for a node that is not there. */
export function notFound(ref: NodeRef): StoreError {
  return new StoreError("not_found", "graph", `no ${ref.label} node with id ${ref.id}`);
}

/** True when a node from the database can be named through this port (exported, imported). */
export function addressable(label: unknown, id: unknown): boolean {
  return typeof label === "string" && LABEL_RE.test(label) && typeof id === "string" &&
    id.length > 0 && id.length <= MAX_ID_LENGTH;
}
