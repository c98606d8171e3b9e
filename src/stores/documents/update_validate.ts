/**
 * Parses the update subset ($set, $unset, $inc, $push, $pull) into a list of field operations,
 * refusing unknown operators, replacement documents, `_id` changes and overlapping paths, so both
 * adapters apply exactly the same updates.
 *
 * @module
 */
import type { Update } from "./port.ts";
import { validatePath } from "./filter_validate.ts";
import { assertStorable } from "./value_codec.ts";
import { invalid, isPlainObject } from "./checks.ts";

/** One field change; values are caller values (Dates stay Dates). */
export type UpdateOp =
  | { op: "set" | "push" | "pull"; path: string; value: unknown }
  | { op: "unset"; path: string }
  | { op: "inc"; path: string; by: number };

const OPERATORS = ["$set", "$unset", "$inc", "$push", "$pull"] as const;

/** Validates `update` and returns its operations in a stable order. */
export function parseUpdate(update: Update): UpdateOp[] {
  if (!isPlainObject(update)) throw invalid("an update must be an object of operators");
  for (const key of Object.keys(update)) {
    if (!key.startsWith("$")) {
      throw invalid(`replacement documents are not supported (field ${key}); use $set`, key);
    }
    if (!(OPERATORS as readonly string[]).includes(key)) {
      throw invalid(`unsupported update operator ${key}`, key);
    }
  }
  const ops: UpdateOp[] = [];
  for (const name of OPERATORS) {
    const fields = (update as Record<string, unknown>)[name];
    if (fields === undefined) continue;
    if (!isPlainObject(fields)) throw invalid(`${name} needs an object of field paths`);
    for (const [path, value] of Object.entries(fields)) {
      validatePath(path);
      if (path === "_id" || path.startsWith("_id.")) throw invalid("_id cannot be changed", path);
      ops.push(toOp(name, path, value));
    }
  }
  if (ops.length === 0) throw invalid("the update changes no field");
  checkConflicts(ops);
  return ops;
}

function toOp(name: (typeof OPERATORS)[number], path: string, value: unknown): UpdateOp {
  switch (name) {
    case "$unset":
      return { op: "unset", path };
    case "$inc":
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw invalid(`$inc on ${path} needs a finite number`, path);
      }
      return { op: "inc", path, by: value };
    case "$pull":
      // MongoDB reads an object here as a condition on the elements, not as a value to compare.
      if (isPlainObject(value)) {
        throw invalid(`$pull on ${path}: only pulling by equal value is supported`, path);
      }
      assertStorable(value ?? null, path);
      return { op: "pull", path, value: value ?? null };
    case "$set":
    case "$push":
      if (value === undefined) throw invalid(`${name} on ${path} needs a value`, path);
      assertStorable(value, path);
      return { op: name === "$set" ? "set" : "push", path, value };
  }
}

function checkConflicts(ops: UpdateOp[]): void {
  const paths = ops.map((o) => o.path);
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const [a, b] = [paths[i], paths[j]];
      if (a === b || a.startsWith(b + ".") || b.startsWith(a + ".")) {
        throw invalid(`update paths ${a} and ${b} conflict`, a);
      }
    }
  }
}
