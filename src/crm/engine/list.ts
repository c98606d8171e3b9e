/**
 * Lists: validated filters, optional trigram search, one allow-listed sort plus id as tie-breaker,
 * and keyset pagination on (sort value, id), so pages stay stable while rows are inserted. Every
 * query is bounded by LIMIT (at most 200 rows, plus one to learn whether another page exists).
 *
 * @module
 */
import { statementName } from "../../stores/relational/statement_name.ts";
import { z } from "zod";
import { unprocessable } from "../../errors.ts";
import type { Queryable } from "../../stores/relational/port.ts";
import type { Resource } from "../resource.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { assertParent, type Caller, type ParentRef, visibility } from "./scope.ts";
import { col, ident, likePattern, Params } from "./sql.ts";
import { rowJsonSql } from "./row_json.ts";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/** A page as the JSON text of `{ items, next_cursor }` (the rows' JSON written by Postgres). */
export interface Page {
  json: string;
}

/** Checks a page read back from the cache. */
export const PageSchema = z.object({ json: z.string() }) as z.ZodType<Page>;

/** Validated query-string values (filters, q, sort, limit, cursor). */
export type ListQuery = Readonly<Record<string, string | undefined>>;

const OPS = { eq: "=", gte: ">=", lte: "<=" } as const;

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw unprocessable("The query parameters are not valid", [
      { path: "limit", message: `expected an integer from 1 to ${MAX_LIMIT}` },
    ]);
  }
  return n;
}

/** A date-only bound on a timestamp means that day's midnight UTC, whatever the session zone. */
function filterValue(kind: string, value: string): string {
  return kind === "timestamptz" && /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
}

interface Order {
  /** Cursor tag of the ordering: "-created_at", "name", or "~q" for similarity. */
  tag: string;
  expr: string;
  desc: boolean;
  nullable: boolean;
  /** Cast applied to the cursor value when the expression is not a plain column. */
  cast: string;
}

function orderOf(res: Resource, query: ListQuery, qParam: string | null): Order {
  if (query.sort === undefined && qParam !== null && res.search) {
    return {
      tag: "~q",
      expr: `similarity(${col(res.search)}, ${qParam})`,
      desc: true,
      nullable: false,
      cast: "::real",
    };
  }
  const tag = query.sort ?? res.defaultSort;
  const field = tag.replace(/^-/, "");
  // The route schema allows only listed sorts; this guards direct callers of the engine.
  if (!res.sorts.includes(field)) throw new Error(`sort on ${field} is not allowed`);
  return {
    tag,
    expr: col(field),
    desc: tag.startsWith("-"),
    nullable: res.columns[field].nullable,
    cast: "",
  };
}

/** One page of `res` as `caller` may see it (of one parent's rows when nested: 404 if none). */
export async function listRows(
  db: Queryable,
  res: Resource,
  query: ListQuery,
  caller: Caller,
  parent?: ParentRef,
): Promise<Page> {
  const limit = parseLimit(query.limit);
  if (parent) await assertParent(db, parent, caller);
  const params = new Params();
  const where = visibility(res, caller, params);
  if (parent && res.parent) where.push(`${col(res.parent.column)} = ${params.add(parent.id)}`);

  for (const [key, value] of Object.entries(query)) {
    const f = value === undefined ? undefined : res.filterParams.get(key);
    if (!f || value === undefined) continue;
    const column = res.columns[f.column];
    if (column.kind === "text[]") {
      where.push(`${col(f.column)} @> array[${params.add(value)}::text]`);
    } else {
      where.push(`${col(f.column)} ${OPS[f.op]} ${params.add(filterValue(column.kind, value))}`);
    }
  }

  const q = res.search ? query.q ?? null : null;
  let qParam: string | null = null;
  if (q !== null && res.search) {
    qParam = params.add(q);
    const s = col(res.search);
    // Both operators use the gin_trgm_ops index: % for fuzzy matches, ILIKE for substrings
    // too short to pass the similarity threshold.
    where.push(`(${s} % ${qParam} or ${s} ilike ${params.add(likePattern(q))})`);
  }

  const order = orderOf(res, query, qParam);
  const dir = order.desc ? "desc" : "asc";
  const cmp = order.desc ? "<" : ">";
  if (query.cursor !== undefined) {
    const c = decodeCursor(query.cursor, order.tag, q);
    const id = params.add(c.id);
    if (c.value === null) {
      where.push(`(${order.expr} is null and t.id ${cmp} ${id})`);
    } else {
      const v = `${params.add(c.value)}${order.cast}`;
      if (order.nullable) {
        where.push(
          `(${order.expr} ${cmp} ${v} or (${order.expr} = ${v} and t.id ${cmp} ${id}) or ${order.expr} is null)`,
        );
      } else {
        // A row comparison is the same test on non-null values, and an index range condition:
        // the next page starts where the last one ended instead of re-reading the rows before.
        where.push(`(${order.expr}, t.id) ${cmp} (${v}, ${id})`);
      }
    }
  }

  // The page is cut first, then written as JSON: one text value per row (row_json.ts). The sort
  // key goes out as text, exact to the microsecond, for the cursor. The limit is written into the
  // text (a checked integer): with it a parameter, the plan cache judged its generic plan worse
  // than planning every call, and PGlite spent a third of a list's time planning.
  const sql = `select ${rowJsonSql(res, "p")} as j, p.__key as k, p.id::text as id
    from (select t.*, ${order.expr} as __order, (${order.expr})::text as __key
            from ${ident(res.table)} t
            ${where.length ? `where ${where.join(" and ")}` : ""}
            order by ${order.expr} ${dir} nulls last, t.id ${dir}
            limit ${limit + 1}) p
    order by p.__order ${dir} nulls last, p.id ${dir}`;
  const r = await db.query<{ j: string; k: string | null; id: string }>(sql, params.values, {
    name: statementName("crm_list", sql),
  });

  const more = r.rows.length > limit;
  const rows = more ? r.rows.slice(0, limit) : r.rows;
  const last = rows[rows.length - 1];
  const next_cursor = more && last
    ? encodeCursor({ sort: order.tag, q, value: last.k, id: last.id })
    : null;
  const items = rows.map((row) => row.j).join(",");
  return { json: `{"items":[${items}],"next_cursor":${JSON.stringify(next_cursor)}}` };
}
