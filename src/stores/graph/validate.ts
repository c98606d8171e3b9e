/**
 * Input checks shared by both graph adapters. Cypher cannot take labels or relationship types as
 * parameters, so they are interpolated; these checks are what keeps that interpolation safe, and
 * applying them in both adapters keeps their answers to bad input identical.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { Direction, NodeRef, Props, TraverseOptions } from "./port.ts";

/** Node labels: PascalCase-ish identifiers, e.g. `Insight`, `Tag`, `User`. */
export const LABEL_RE = /^[A-Z][A-Za-z0-9_]{0,63}$/;
/** Relationship types: upper snake case, e.g. `RELATES_TO`. */
export const TYPE_RE = /^[A-Z][A-Z0-9_]{0,63}$/;
/** Property keys: plain identifiers, so they read the same in Cypher maps and JSON. */
export const PROP_KEY_RE = /^[a-z_][a-z0-9_]{0,63}$/i;
/** Longest node id accepted (characters). */
export const MAX_ID_LENGTH = 512;
/** Deepest traversal either adapter will run. */
export const MAX_DEPTH = 6;
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

const DIRECTIONS: readonly Direction[] = ["out", "in", "both"];

/** A `invalid` StoreError for the graph role naming the offending field. */
export function invalid(message: string, field?: string): StoreError {
  return new StoreError("invalid", "graph", message, { field });
}

/** Returns `label` when it is a safe node label, else throws `invalid`. */
export function checkLabel(label: unknown, field = "label"): string {
  if (typeof label !== "string" || !LABEL_RE.test(label)) {
    throw invalid(`${field} must match ${LABEL_RE.source}`, field);
  }
  return label;
}

/** Returns `type` when it is a safe relationship type, else throws `invalid`. */
export function checkType(type: unknown, field = "type"): string {
  if (typeof type !== "string" || !TYPE_RE.test(type)) {
    throw invalid(`${field} must match ${TYPE_RE.source}`, field);
  }
  return type;
}

function checkText(value: string, field: string): void {
  // Postgres text and jsonb refuse NUL and lone surrogates; refusing them everywhere keeps the
  // adapters in step instead of letting only one of them fail.
  if (value.includes("\u0000") || !value.isWellFormed()) {
    throw invalid(`${field} must be well-formed text without NUL characters`, field);
  }
}

/** Checks a node reference and returns a clean copy (no extra fields). */
export function checkRef(ref: unknown, field = "node"): NodeRef {
  if (typeof ref !== "object" || ref === null) throw invalid(`${field} must be an object`, field);
  const { label, id } = ref as { label?: unknown; id?: unknown };
  checkLabel(label, `${field}.label`);
  if (typeof id !== "string" || id.length === 0 || id.length > MAX_ID_LENGTH) {
    throw invalid(
      `${field}.id must be a string of 1 to ${MAX_ID_LENGTH} characters`,
      `${field}.id`,
    );
  }
  checkText(id, `${field}.id`);
  return { label: label as string, id };
}

function checkValue(value: unknown, field: string): Props[string] {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "string") {
    checkText(value, field);
    return value;
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw invalid(`${field} must be a finite number`, field);
    return value;
  }
  if (Array.isArray(value)) {
    // Neo4j stores only homogeneous lists without nulls; hold Postgres to the same rule.
    if (value.every((v) => typeof v === "string")) {
      value.forEach((v, i) => checkText(v, `${field}[${i}]`));
      return [...value];
    }
    if (value.every((v) => typeof v === "number" && Number.isFinite(v))) return [...value];
    throw invalid(`${field} must be a list of only strings or only finite numbers`, field);
  }
  throw invalid(`${field} must be a string, number, boolean, null or a list of those`, field);
}

/**
 * Checks properties and returns a clean copy. `id` is refused on nodes because it is the node's
 * identity (held in NodeRef), which a property must not be able to overwrite.
 */
export function checkProps(props: unknown, owner: "node" | "edge", field = "props"): Props {
  if (props === undefined) return {};
  if (typeof props !== "object" || props === null || Array.isArray(props)) {
    throw invalid(`${field} must be an object`, field);
  }
  const out: Props = {};
  for (const [key, value] of Object.entries(props)) {
    if (!PROP_KEY_RE.test(key)) {
      throw invalid(`${field} key must match ${PROP_KEY_RE.source}`, field);
    }
    if (owner === "node" && key === "id") {
      throw invalid(`${field}.id is reserved for the node's identity`, `${field}.id`);
    }
    out[key] = checkValue(value, `${field}.${key}`);
  }
  return out;
}

function checkInt(value: unknown, field: string, min: number, max: number, fallback: number) {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${field} must be an integer from ${min} to ${max}`, field);
  }
  return value;
}

function checkDirection(value: unknown): Direction {
  if (value === undefined) return "both";
  if (!DIRECTIONS.includes(value as Direction)) {
    throw invalid(`direction must be one of ${DIRECTIONS.join(", ")}`, "direction");
  }
  return value as Direction;
}

/** `null` means every type; an empty list means none (nothing is followed). */
function checkTypes(value: unknown): string[] | null {
  if (value === undefined) return null;
  if (!Array.isArray(value)) throw invalid("types must be a list", "types");
  return [...new Set(value.map((t, i) => checkType(t, `types[${i}]`)))];
}

/** Traversal options after defaults and checks. */
export interface Traversal {
  depth: number;
  types: string[] | null;
  direction: Direction;
  limit: number;
}

/** Applies the port's defaults (depth 1, direction both, limit 100) and range checks. */
export function checkTraversal(options: TraverseOptions | undefined): Traversal {
  const o = options ?? {};
  return {
    depth: checkInt(o.depth, "depth", 1, MAX_DEPTH, 1),
    types: checkTypes(o.types),
    direction: checkDirection(o.direction),
    limit: checkInt(o.limit, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT),
  };
}

/** Shortest-path options after defaults (maxDepth 6, direction both) and checks. */
export function checkPathOptions(
  options: { maxDepth?: number; types?: readonly string[]; direction?: Direction } | undefined,
): { maxDepth: number; types: string[] | null; direction: Direction } {
  const o = options ?? {};
  return {
    maxDepth: checkInt(o.maxDepth, "maxDepth", 1, MAX_DEPTH, MAX_DEPTH),
    types: checkTypes(o.types),
    direction: checkDirection(o.direction),
  };
}

/** Degree options after defaults (direction both) and checks. */
export function checkDegreeOptions(
  options: { types?: readonly string[]; direction?: Direction } | undefined,
): { types: string[] | null; direction: Direction } {
  return {
    types: checkTypes(options?.types),
    direction: checkDirection(options?.direction),
  };
}

/** Same node? Used to short-circuit paths from a node to itself. */
export function sameRef(a: NodeRef, b: NodeRef): boolean {
  return a.label === b.label && a.id === b.id;
}

/** Drops null-valued keys: both adapters treat `null` as "remove this property". */
export function withoutNulls(props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== null));
}
