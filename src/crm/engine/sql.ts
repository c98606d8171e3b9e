/**
 * SQL building blocks for the generic engine: identifiers come only from the resource registry and
 * are checked and quoted here; every value goes through a numbered parameter, never into the text.
 *
 * @module
 */
import type { Kind } from "../columns.ts";
import type { QueryOptions } from "../../stores/relational/port.ts";

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Quotes a registry identifier (table or column); anything unexpected is a programming error. */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`unsafe SQL identifier: ${JSON.stringify(name)}`);
  return `"${name}"`;
}

/** `t."col"`: a column of the main table, aliased t in every engine query. */
export const col = (name: string) => `t.${ident(name)}`;

/**
 * Options of a query whose decoded rows are written out as JSON (the audit's old and new values;
 * answers come as JSON from Postgres, row_json.ts): timestamps arrive as the text JSON would
 * write for them, not parsed into Dates to be written back out (iso_timestamps.ts).
 */
export const rowsOut = (name?: string): QueryOptions => ({ name, isoTimestamps: true });

/** Collects bind values and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  /** Adds a value and returns its placeholder, e.g. "$3". */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * A placeholder for a value written to a column of `kind`. JSON and arrays are sent as JSON text
 * and converted by Postgres, so both drivers (pg, PGlite) bind them the same way.
 */
export function writeValue(params: Params, kind: Kind, value: unknown): string {
  if (value === null || value === undefined) return `${params.add(null)}${castFor(kind)}`;
  if (kind === "jsonb") return `${params.add(JSON.stringify(value))}::jsonb`;
  if (kind === "text[]") {
    return `array(select jsonb_array_elements_text(${params.add(JSON.stringify(value))}::jsonb))`;
  }
  return params.add(value);
}

function castFor(kind: Kind): string {
  if (kind === "jsonb") return "::jsonb";
  if (kind === "text[]") return "::text[]";
  return "";
}

/** `array(...)` of uuids from a JS list, bound as one JSON parameter. */
export function uuidList(params: Params, ids: readonly string[]): string {
  return `array(select jsonb_array_elements_text(${params.add(JSON.stringify(ids))}::jsonb)::uuid)`;
}

/** Escapes LIKE wildcards so user text matches literally inside `%…%`. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
