/**
 * A row's JSON written by Postgres, for pages: one text value per row instead of a value per
 * column for the driver to decode and for JSON.stringify to write back out (a page of 50 leads on
 * PGlite: 1,057 us as columns, 404 us as JSON).
 *
 * @module
 */
import type { Resource } from "../resource.ts";
import { ident } from "./sql.ts";

/** to_char pattern of a timestamp in UTC as JSON writes a Date: ISO 8601, milliseconds, Z. */
export const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * SQL for the JSON text of the row `source` (an alias) of `res`, as the API writes a row the
 * driver decoded: the resource's columns in order, timestamps as ISO UTC with milliseconds,
 * numeric as a JSON number (type_parsers.ts reads numeric as a JS number).
 */
export function rowJsonSql(res: Resource, source: string): string {
  const columns = Object.entries(res.columns).map(([name, column]) => {
    const value = `${source}.${ident(name)}`;
    if (column.kind === "timestamptz") {
      return `to_char(${value} at time zone 'UTC', ${ISO_MS}) as ${ident(name)}`;
    }
    if (column.kind === "numeric") return `${value}::float8 as ${ident(name)}`;
    return value;
  });
  return `(select row_to_json(r) from (select ${columns.join(", ")}) r)::text`;
}
