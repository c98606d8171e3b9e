/**
 * Turns parsed filters, updates and keyset positions into MongoDB query documents. Only the
 * validated subset reaches the server; `$contains` becomes a case-insensitive regex on the
 * escaped needle (FerretDB 1.x has no $text, and a regex works on both servers).
 *
 * @module
 */
import type { CursorPosition } from "./cursor.ts";
import { type FilterNode, type SortKey, tieBreakDir } from "./filter_validate.ts";
import type { UpdateOp } from "./update_validate.ts";

export type MongoFilter = Record<string, unknown>;

/** Escapes every regex metacharacter so the needle matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&");
}

/** The MongoDB filter for a parsed filter tree. */
export function toMongoFilter(node: FilterNode): MongoFilter {
  switch (node.kind) {
    case "and": {
      if (node.items.length === 0) return {};
      if (node.items.length === 1) return toMongoFilter(node.items[0]);
      const parts = node.items.map(toMongoFilter);
      return merged(parts) ?? { $and: parts };
    }
    case "or":
      return { $or: node.items.map(toMongoFilter) };
    case "eq":
      return { [node.path]: { $eq: node.value } };
    case "ne":
      return { [node.path]: { $ne: node.value } };
    case "in":
      return { [node.path]: { $in: node.values } };
    case "nin":
      return { [node.path]: { $nin: node.values } };
    case "cmp":
      return { [node.path]: { [`$${node.op}`]: node.value } };
    case "exists":
      return { [node.path]: { $exists: node.exists } };
    case "contains":
      return { [node.path]: { $regex: escapeRegex(node.needle), $options: "i" } };
  }
}

/**
 * The conditions as one document (`{a: {$eq: 1}, b: {$gte: 2, $lte: 3}}`), when each is a field
 * with its operators and no field repeats an operator; else null (the caller keeps `$and`). Both
 * mean the same to MongoDB, but FerretDB 1.x pushes only a document's top-level fields down to
 * its backend: under `$and`, an update by `_id` and version decoded the whole collection.
 */
function merged(parts: readonly MongoFilter[]): MongoFilter | null {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts) {
    const keys = Object.keys(part);
    if (keys.length !== 1 || keys[0].startsWith("$")) return null;
    const ops = part[keys[0]] as Record<string, unknown>;
    const into = (out[keys[0]] ??= {});
    for (const [op, value] of Object.entries(ops)) {
      if (!op.startsWith("$") || op in into) return null;
      into[op] = value;
    }
  }
  return out;
}

/** The MongoDB update document for parsed operations. */
export function toMongoUpdate(ops: readonly UpdateOp[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  const put = (op: string, path: string, value: unknown) => {
    (out[op] ??= {})[path] = value;
  };
  for (const op of ops) {
    switch (op.op) {
      case "set":
        put("$set", op.path, op.value);
        break;
      case "unset":
        put("$unset", op.path, "");
        break;
      case "inc":
        put("$inc", op.path, op.by);
        break;
      case "push":
        put("$push", op.path, op.value);
        break;
      case "pull":
        put("$pull", op.path, op.value);
        break;
    }
  }
  return out;
}

/** The sort document: the caller's keys, then `_id` so that ties have a fixed order. */
export function toMongoSort(sort: readonly SortKey[]): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {};
  for (const k of sort) out[k.path] = k.dir;
  if (!("_id" in out)) out._id = tieBreakDir(sort);
  return out;
}

// MongoDB's cross-type sort order, as $type aliases by rank: null/missing < numbers < strings
// < objects < arrays < booleans < dates.
const TYPES_BY_RANK: Record<number, string> = {
  2: "number",
  3: "string",
  4: "object",
  5: "array",
  6: "bool",
  7: "date",
};

function rankOf(v: unknown): number {
  if (v === null || v === undefined) return 1;
  if (typeof v === "number") return 2;
  if (typeof v === "string") return 3;
  if (typeof v === "boolean") return 6;
  if (v instanceof Date) return 7;
  if (Array.isArray(v)) return 5;
  return 4;
}

function typesWhere(test: (rank: number) => boolean): string[] {
  return Object.entries(TYPES_BY_RANK).filter(([r]) => test(Number(r))).map(([, t]) => t);
}

function equalTo(path: string, v: unknown): MongoFilter {
  return { [path]: v === null || v === undefined ? null : { $eq: v } };
}

/** Documents strictly after `v` on `path` in direction `dir`, or null when none can be. */
function beyond(path: string, v: unknown, dir: 1 | -1): MongoFilter | null {
  const rank = rankOf(v);
  if (rank === 1) return dir === 1 ? { [path]: { $ne: null } } : null;
  const alternatives: MongoFilter[] = [{ [path]: { [dir === 1 ? "$gt" : "$lt"]: v } }];
  const others = typesWhere((r) => (dir === 1 ? r > rank : r < rank));
  if (others.length > 0) alternatives.push({ [path]: { $type: others } });
  if (dir === -1) alternatives.push({ [path]: null });
  return alternatives.length === 1 ? alternatives[0] : { $or: alternatives };
}

/** Keyset condition: documents after `pos` in the order of `sort` (then `_id`). */
export function mongoAfter(sort: readonly SortKey[], pos: CursorPosition): MongoFilter {
  const keys = sort.map((k, i) => ({ path: k.path, dir: k.dir, value: pos.values[i] }));
  if (!keys.some((k) => k.path === "_id")) {
    keys.push({ path: "_id", dir: tieBreakDir(sort), value: pos.id });
  }
  const terms: MongoFilter[] = [];
  keys.forEach((k, i) => {
    const step = beyond(k.path, k.value, k.dir);
    if (step === null) return;
    const before = keys.slice(0, i).map((p) => equalTo(p.path, p.value));
    terms.push(before.length === 0 ? step : { $and: [...before, step] });
  });
  return terms.length === 0 ? { _id: { $exists: false } } : { $or: terms };
}
