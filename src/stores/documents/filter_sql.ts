/**
 * Translates parsed filters and sorts into PostgreSQL over a JSONB `body` column. Values always
 * travel as bind parameters; only field paths (already checked against PATH_RE, so they hold
 * nothing but [A-Za-z0-9_.]) are spelled into the SQL text as '{a,b}' and '$."a"."b"' literals.
 *
 * MongoDB semantics are kept where they matter: a path walks through arrays of sub-documents, a
 * condition on an array field matches when any element matches, comparisons only match values of
 * the same type (numbers, strings by code point, Dates by instant), a missing field equals null,
 * and $ne / $nin match documents that lack the field.
 *
 * @module
 */
import { encodeValue, type Json } from "./value_codec.ts";
import { type FilterNode, PATH_RE, type SortKey, tieBreakDir } from "./filter_validate.ts";
import type { CursorPosition } from "./cursor.ts";

/** Collects bind parameters and hands out `$n::type` placeholders. */
export class SqlParams {
  readonly values: unknown[];
  constructor(initial: readonly unknown[] = []) {
    this.values = [...initial];
  }
  /** Adds `value` and returns its placeholder with an explicit cast. */
  add(value: unknown, cast: "jsonb" | "text" | "numeric" | "int"): string {
    this.values.push(value);
    return `$${this.values.length}::${cast}`;
  }
}

function assertPath(path: string): void {
  // Defence in depth: the validators already refused anything else.
  if (!PATH_RE.test(path)) throw new Error(`unchecked path ${path}`);
}

/** `'{a,b}'`: a text[] literal for `#>`, `#-` and `jsonb_set`. */
export function pgPath(path: string): string {
  assertPath(path);
  return `'{${path.split(".").join(",")}}'`;
}

/** `'$."a"."b"[*]'`: a lax jsonpath; numeric segments index arrays. */
function jsonPath(path: string, elements: boolean): string {
  assertPath(path);
  const steps = path.split(".").map((s, i) => (i > 0 && /^[0-9]+$/.test(s) ? `[${s}]` : `."${s}"`));
  return `'$${steps.join("")}${elements ? "[*]" : ""}'`;
}

/** Encoded JSON text of a filter value (Dates as `{"$date": iso}`). */
function jsonText(value: unknown): string {
  return JSON.stringify(encodeValue(value));
}

/**
 * The values a condition on `path` is tested against: every value the path reaches (through
 * arrays of sub-documents) and, for arrays, their elements. `withWhole` keeps whole arrays too,
 * which only equality with an array value needs.
 */
function anyValue(body: string, path: string, withWhole: boolean, predicate: string): string {
  const source = withWhole
    ? `(SELECT jsonb_path_query(${body}, ${jsonPath(path, false)}) UNION ALL ` +
      `SELECT jsonb_path_query(${body}, ${jsonPath(path, true)}))`
    : `jsonb_path_query(${body}, ${jsonPath(path, true)})`;
  return `EXISTS (SELECT 1 FROM ${source} AS c(v) WHERE ${predicate})`;
}

function exists(body: string, path: string): string {
  return `jsonb_path_exists(${body}, ${jsonPath(path, false)})`;
}

const SQL_OP = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

/** Options for `filterSql`: the JSONB column and the text `_id` column to test. */
export interface FilterSqlTarget {
  body: string;
  id: string;
}

/** SQL boolean expression for `node`; parameters are appended to `params`. */
export function filterSql(node: FilterNode, params: SqlParams, t: FilterSqlTarget): string {
  switch (node.kind) {
    case "and":
    case "or": {
      if (node.items.length === 0) return node.kind === "and" ? "TRUE" : "FALSE";
      const parts = node.items.map((n) => `(${filterSql(n, params, t)})`);
      return parts.join(node.kind === "and" ? " AND " : " OR ");
    }
    default:
      if (node.path === "_id") return idSql(node, params, t.id);
      return fieldSql(node, params, t.body);
  }
}

function eqSql(body: string, path: string, value: unknown, params: SqlParams): string {
  if (value === null) {
    return `(NOT ${exists(body, path)} OR ${anyValue(body, path, false, "c.v = 'null'::jsonb")})`;
  }
  const withWhole = Array.isArray(value);
  return anyValue(body, path, withWhole, `c.v = ${params.add(jsonText(value), "jsonb")}`);
}

function inSql(body: string, path: string, values: unknown[], params: SqlParams): string {
  const nonNull = values.filter((v) => v !== null);
  const parts: string[] = [];
  if (nonNull.length > 0) {
    const list = params.add(JSON.stringify(nonNull.map((v) => encodeValue(v))), "jsonb");
    const withWhole = nonNull.some(Array.isArray);
    parts.push(
      anyValue(body, path, withWhole, `c.v IN (SELECT jsonb_array_elements(${list}))`),
    );
  }
  if (nonNull.length < values.length) parts.push(eqSql(body, path, null, params));
  return parts.length === 0 ? "FALSE" : `(${parts.join(" OR ")})`;
}

function fieldSql(
  node: Exclude<FilterNode, { kind: "and" | "or" }>,
  params: SqlParams,
  body: string,
): string {
  switch (node.kind) {
    case "eq":
      return eqSql(body, node.path, node.value, params);
    case "ne":
      return `NOT ${eqSql(body, node.path, node.value, params)}`;
    case "in":
      return inSql(body, node.path, node.values, params);
    case "nin":
      return `NOT ${inSql(body, node.path, node.values, params)}`;
    case "exists":
      return node.exists ? exists(body, node.path) : `NOT ${exists(body, node.path)}`;
    case "contains": {
      const needle = params.add(node.needle, "text");
      return anyValue(
        body,
        node.path,
        false,
        `jsonb_typeof(c.v) = 'string' AND strpos(lower(c.v #>> '{}'), lower(${needle})) > 0`,
      );
    }
    case "cmp": {
      const op = SQL_OP[node.op];
      const v = node.value;
      let predicate: string;
      if (v instanceof Date) {
        predicate = `jsonb_typeof(c.v) = 'object' AND (c.v ->> '$date') COLLATE "C" ${op} ${
          params.add(v.toISOString(), "text")
        }`;
      } else if (typeof v === "string") {
        predicate = `jsonb_typeof(c.v) = 'string' AND (c.v #>> '{}') COLLATE "C" ${op} ${
          params.add(v, "text")
        }`;
      } else {
        const type = typeof v === "number" ? "number" : "boolean";
        predicate = `jsonb_typeof(c.v) = '${type}' AND c.v ${op} ${
          params.add(JSON.stringify(v), "jsonb")
        }`;
      }
      return anyValue(body, node.path, false, predicate);
    }
  }
}

/** `_id` lives in its own text column (the primary key), so conditions on it use the index. */
function idSql(
  node: Exclude<FilterNode, { kind: "and" | "or" }>,
  params: SqlParams,
  id: string,
): string {
  const isStr = (v: unknown): v is string => typeof v === "string";
  switch (node.kind) {
    case "eq":
      return isStr(node.value) ? `${id} = ${params.add(node.value, "text")}` : "FALSE";
    case "ne":
      return isStr(node.value) ? `${id} <> ${params.add(node.value, "text")}` : "TRUE";
    case "in":
    case "nin": {
      const list = params.add(JSON.stringify(node.values.filter(isStr)), "jsonb");
      const test = `${id} IN (SELECT jsonb_array_elements_text(${list}))`;
      return node.kind === "in" ? test : `NOT (${test})`;
    }
    case "exists":
      return node.exists ? "TRUE" : "FALSE";
    case "contains":
      return `strpos(lower(${id}), lower(${params.add(node.needle, "text")})) > 0`;
    case "cmp":
      return isStr(node.value)
        ? `${id} ${SQL_OP[node.op]} ${params.add(node.value, "text")}`
        : "FALSE";
  }
}

/**
 * Sort components for one JSONB value `x`, in MongoDB's cross-type order: null and missing, then
 * numbers, strings (by code point), objects, arrays, booleans, Dates. Each component is non-null
 * so rows compare cleanly in keyset conditions. Arrays sort by their JSON text (MongoDB would
 * use their smallest or largest element).
 */
export function sortComponents(x: string): [string, string, string] {
  const rank = `(CASE jsonb_typeof(${x}) WHEN 'number' THEN 2 WHEN 'string' THEN 3 ` +
    `WHEN 'object' THEN (CASE WHEN ${x} ? '$date' THEN 7 ELSE 4 END) WHEN 'array' THEN 5 ` +
    `WHEN 'boolean' THEN 6 ELSE 1 END)`;
  const num = `(CASE WHEN jsonb_typeof(${x}) = 'number' THEN (${x})::numeric ELSE 0 END)`;
  const txt = `((CASE jsonb_typeof(${x}) WHEN 'string' THEN ${x} #>> '{}' ` +
    `WHEN 'object' THEN (CASE WHEN ${x} ? '$date' THEN ${x} ->> '$date' ELSE (${x})::text END) ` +
    `WHEN 'array' THEN (${x})::text WHEN 'boolean' THEN (${x})::text ELSE '' END) COLLATE "C")`;
  return [rank, num, txt];
}

/** One ordered component of a sort: an SQL expression and its direction. */
interface Component {
  expr: string;
  dir: 1 | -1;
}

function components(sort: readonly SortKey[], body: string, id: string): Component[] {
  const out: Component[] = [];
  for (const k of sort) {
    if (k.path === "_id") {
      out.push({ expr: id, dir: k.dir });
    } else {
      for (const expr of sortComponents(`(${body} #> ${pgPath(k.path)})`)) {
        out.push({ expr, dir: k.dir });
      }
    }
  }
  // The id breaks ties, so every page boundary is exact.
  out.push({ expr: id, dir: tieBreakDir(sort) });
  return out;
}

/** `ORDER BY` list for `sort` (then `_id`). */
export function orderBySql(sort: readonly SortKey[], t: FilterSqlTarget): string {
  return components(sort, t.body, t.id)
    .map((c) => `${c.expr} ${c.dir === 1 ? "ASC" : "DESC"}`)
    .join(", ");
}

/**
 * Keyset condition: rows strictly after `pos` in the order of `sort`. Runs of components with
 * the same direction compare as one row value, so an all-ascending sort is a single `(…) > (…)`.
 */
export function afterSql(
  sort: readonly SortKey[],
  pos: CursorPosition,
  params: SqlParams,
  t: FilterSqlTarget,
): string {
  const mine = components(sort, t.body, t.id);
  const theirs: string[] = [];
  sort.forEach((k, i) => {
    if (k.path === "_id") {
      theirs.push(params.add(String(pos.values[i]), "text"));
    } else {
      const p = params.add(JSON.stringify(encodeValue(pos.values[i] ?? null) as Json), "jsonb");
      theirs.push(...sortComponents(`(${p})`));
    }
  });
  theirs.push(params.add(pos.id, "text"));

  const runs: { dir: 1 | -1; mine: string[]; theirs: string[] }[] = [];
  mine.forEach((c, i) => {
    const last = runs.at(-1);
    if (last && last.dir === c.dir) {
      last.mine.push(c.expr);
      last.theirs.push(theirs[i]);
    } else {
      runs.push({ dir: c.dir, mine: [c.expr], theirs: [theirs[i]] });
    }
  });
  const row = (xs: string[]) => (xs.length === 1 ? xs[0] : `(${xs.join(", ")})`);
  const terms = runs.map((run, i) => {
    const equalBefore = runs.slice(0, i).map((r) => `${row(r.mine)} = ${row(r.theirs)}`);
    const step = `${row(run.mine)} ${run.dir === 1 ? ">" : "<"} ${row(run.theirs)}`;
    return [...equalBefore, step].join(" AND ");
  });
  return terms.map((s) => `(${s})`).join(" OR ");
}
