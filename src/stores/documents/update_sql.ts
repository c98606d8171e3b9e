/**
 * Turns parsed update operations into one SQL expression over a JSONB body, so an UPDATE applies
 * them atomically. Each step names the previous body (LATERAL), keeping the SQL linear in size.
 * Where MongoDB refuses an update ($inc on a string, $push onto a non-array, a field inside a
 * scalar), the expression calls doc_fail(), which raises SQLSTATE 22023 (an `invalid` error).
 *
 * @module
 */
import { pgPath, type SqlParams } from "./filter_sql.ts";
import type { UpdateOp } from "./update_validate.ts";
import { encodeValue } from "./value_codec.ts";

/** The SQL function the Postgres adapter installs to raise an update error from an expression. */
export const DOC_FAIL_FUNCTION = `CREATE OR REPLACE FUNCTION doc_fail(msg text) RETURNS jsonb
LANGUAGE plpgsql AS $fn$ BEGIN RAISE EXCEPTION '%', msg USING ERRCODE = '22023'; END $fn$`;

/** Makes sure every parent of `path` is an object or array, creating missing ones as `{}`. */
function withParents(b: string, path: string, params: SqlParams): string {
  const segs = path.split(".");
  let expr = b;
  for (let i = 1; i < segs.length; i++) {
    const prefix = segs.slice(0, i).join(".");
    const at = `${b} #> ${pgPath(prefix)}`;
    const fail = `doc_fail(${
      params.add(`cannot create field ${path}: ${prefix} is not a document`, "text")
    })`;
    expr = `jsonb_set(${expr}, ${pgPath(prefix)}, CASE WHEN ${at} IS NULL THEN '{}'::jsonb ` +
      `WHEN jsonb_typeof(${at}) IN ('object', 'array') THEN ${at} ELSE ${fail} END)`;
  }
  return expr;
}

function stepSql(op: UpdateOp, b: string, params: SqlParams): string {
  const path = pgPath(op.path);
  const at = `${b} #> ${path}`;
  const fail = (msg: string) => `doc_fail(${params.add(msg, "text")})`;
  switch (op.op) {
    case "set":
      return `jsonb_set(${withParents(b, op.path, params)}, ${path}, ${
        params.add(JSON.stringify(encodeValue(op.value)), "jsonb")
      }, true)`;
    case "unset":
      return `(${b} #- ${path})`;
    case "inc":
      return `jsonb_set(${withParents(b, op.path, params)}, ${path}, to_jsonb((CASE ` +
        `WHEN ${at} IS NULL THEN 0 WHEN jsonb_typeof(${at}) = 'number' THEN (${at})::numeric ` +
        `ELSE (${fail(`cannot $inc ${op.path}: not a number`)})::numeric END) + ${
          params.add(String(op.by), "numeric")
        }), true)`;
    case "push":
      return `jsonb_set(${withParents(b, op.path, params)}, ${path}, (CASE ` +
        `WHEN ${at} IS NULL THEN '[]'::jsonb WHEN jsonb_typeof(${at}) = 'array' THEN ${at} ` +
        `ELSE ${fail(`cannot $push to ${op.path}: not an array`)} END) || jsonb_build_array(${
          params.add(JSON.stringify(encodeValue(op.value)), "jsonb")
        }), true)`;
    case "pull": {
      const value = params.add(JSON.stringify(encodeValue(op.value)), "jsonb");
      return `(CASE WHEN ${at} IS NULL THEN ${b} ` +
        `WHEN jsonb_typeof(${at}) <> 'array' THEN ${
          fail(`cannot $pull from ${op.path}: not an array`)
        } ` +
        `ELSE jsonb_set(${b}, ${path}, coalesce((SELECT jsonb_agg(e.v ORDER BY e.i) ` +
        `FROM jsonb_array_elements(${at}) WITH ORDINALITY AS e(v, i) WHERE e.v <> ${value}), ` +
        `'[]'::jsonb)) END)`;
    }
  }
}

/** A scalar subquery giving the body after `ops`, starting from the SQL expression `source`. */
export function updateSql(ops: readonly UpdateOp[], params: SqlParams, source: string): string {
  const steps = ops.map((op, i) => {
    const expr = stepSql(op, `u${i}.b`, params);
    return `CROSS JOIN LATERAL (SELECT ${expr} AS b) AS u${i + 1}`;
  });
  return `(SELECT u${ops.length}.b FROM (SELECT ${source} AS b) AS u0 ${steps.join(" ")})`;
}
