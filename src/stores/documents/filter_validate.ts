/**
 * Validation shared by both document adapters: filters are parsed into a small tree of the
 * documented operators (anything else is refused as `invalid`, naming the operator), and field
 * paths, sorts, limits and collection names are checked before any adapter builds a query.
 *
 * @module
 */
import type { Filter, SortSpec } from "./port.ts";
import { assertStorable } from "./value_codec.ts";
import { invalid, isPlainObject } from "./checks.ts";

/** Dotted field path; later segments may be array indexes. Safe to embed in SQL and jsonpath. */
export const PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const COLLECTION_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,119}$/;

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
const MAX_SORT_KEYS = 8;

export type CompareOp = "gt" | "gte" | "lt" | "lte";
export type Comparable = number | string | boolean | Date;

/** A parsed filter. Values are caller values (Dates stay Dates); adapters encode them. */
export type FilterNode =
  | { kind: "and" | "or"; items: FilterNode[] }
  | { kind: "eq" | "ne"; path: string; value: unknown }
  | { kind: "in" | "nin"; path: string; values: unknown[] }
  | { kind: "cmp"; path: string; op: CompareOp; value: Comparable }
  | { kind: "exists"; path: string; exists: boolean }
  | { kind: "contains"; path: string; needle: string };

export interface SortKey {
  path: string;
  dir: 1 | -1;
}

/** Throws unless `path` is a dotted field path of plain names. */
export function validatePath(path: string): string {
  if (typeof path !== "string" || !PATH_RE.test(path) || path.length > 300) {
    throw invalid(`invalid field path ${JSON.stringify(path)}`, String(path));
  }
  return path;
}

/** Throws unless `name` is a collection name both adapters accept. */
export function validateCollectionName(name: string): string {
  if (typeof name !== "string" || !COLLECTION_RE.test(name) || name.startsWith("system.")) {
    throw invalid(
      `invalid collection name ${
        JSON.stringify(name)
      }: a letter, then letters, digits, "_", "." or "-"`,
    );
  }
  return name;
}

/** Parses a filter into a tree; an empty or absent filter matches everything. */
export function parseFilter(filter: Filter | undefined): FilterNode {
  if (filter === undefined) return { kind: "and", items: [] };
  if (!isPlainObject(filter)) throw invalid("a filter must be an object");
  const items: FilterNode[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    if (key === "$and" || key === "$or") {
      if (!Array.isArray(value) || value.length === 0) {
        throw invalid(`${key} needs a non-empty array of filters`);
      }
      items.push({ kind: key === "$and" ? "and" : "or", items: value.map((f) => parseFilter(f)) });
    } else if (key.startsWith("$")) {
      throw invalid(`unsupported filter operator ${key}`, key);
    } else {
      items.push(...parseField(validatePath(key), value));
    }
  }
  return items.length === 1 ? items[0] : { kind: "and", items };
}

function parseField(path: string, value: unknown): FilterNode[] {
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const ops = keys.filter((k) => k.startsWith("$"));
    if (ops.length > 0) {
      if (ops.length !== keys.length) {
        throw invalid(`${path}: cannot mix operators and field names in one condition`, path);
      }
      return keys.filter((k) => value[k] !== undefined).map((k) => parseOp(path, k, value[k]));
    }
  }
  return [{ kind: "eq", path, value: filterValue(path, value) }];
}

function filterValue(path: string, value: unknown): unknown {
  if (value instanceof RegExp) {
    throw invalid(`${path}: regular expressions are not supported (use $contains)`, path);
  }
  assertStorable(value ?? null, path);
  return value ?? null;
}

function parseOp(path: string, op: string, arg: unknown): FilterNode {
  switch (op) {
    case "$eq":
      return { kind: "eq", path, value: filterValue(path, arg) };
    case "$ne":
      return { kind: "ne", path, value: filterValue(path, arg) };
    case "$in":
    case "$nin": {
      if (!Array.isArray(arg)) throw invalid(`${path}: ${op} needs an array`, path);
      const values = arg.map((v) => filterValue(path, v));
      return { kind: op === "$in" ? "in" : "nin", path, values };
    }
    case "$gt":
    case "$gte":
    case "$lt":
    case "$lte": {
      const ok = typeof arg === "string" || typeof arg === "boolean" ||
        (typeof arg === "number" && Number.isFinite(arg)) ||
        (arg instanceof Date && !Number.isNaN(arg.getTime()));
      if (!ok) throw invalid(`${path}: ${op} needs a number, string, boolean or Date`, path);
      return { kind: "cmp", path, op: op.slice(1) as CompareOp, value: arg as Comparable };
    }
    case "$exists":
      if (typeof arg !== "boolean") throw invalid(`${path}: $exists needs true or false`, path);
      return { kind: "exists", path, exists: arg };
    case "$contains":
      if (typeof arg !== "string") throw invalid(`${path}: $contains needs a string`, path);
      return { kind: "contains", path, needle: arg };
    default:
      throw invalid(`unsupported filter operator ${op}`, path);
  }
}

/** Validates a sort spec and returns its keys in order. */
export function parseSort(sort: SortSpec | undefined): SortKey[] {
  if (sort === undefined) return [];
  if (!isPlainObject(sort)) throw invalid("sort must be an object of field: 1 | -1");
  const keys = Object.entries(sort).map(([path, dir]) => {
    validatePath(path);
    if (dir !== 1 && dir !== -1) throw invalid(`sort direction for ${path} must be 1 or -1`, path);
    return { path, dir };
  });
  if (keys.length > MAX_SORT_KEYS) throw invalid(`sort takes at most ${MAX_SORT_KEYS} fields`);
  return keys;
}

/**
 * Direction of the `_id` tie-breaker that ends every sort: that of the last sort key (ascending
 * when unsorted), so an all-descending sort is one index scan and one row comparison.
 */
export function tieBreakDir(sort: readonly SortKey[]): 1 | -1 {
  return sort.at(-1)?.dir ?? 1;
}

/** Page size: default 50, capped at 1000; must be a positive whole number. */
export function parseLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw invalid("limit must be a whole number >= 1");
  return Math.min(limit, MAX_LIMIT);
}
