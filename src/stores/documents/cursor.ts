/**
 * Opaque keyset cursors for document pages: base64url JSON of the last item's sort values and
 * `_id`, tagged with the sort it belongs to so a cursor from another sort is refused.
 *
 * @module
 */
import { decodeBase64urlText, encodeBase64urlText } from "../../shared/base64url.ts";
import { StoreError } from "../errors.ts";
import type { SortKey } from "./filter_validate.ts";
import { decodeValue, encodeValue, type Json } from "./value_codec.ts";

/** Where the previous page stopped: its last item's sort values (null when missing) and id. */
export interface CursorPosition {
  values: unknown[];
  id: string;
}

/** A short stable tag for a sort, stored in the cursor. */
export function sortTag(sort: readonly SortKey[]): string {
  return sort.map((k) => `${k.path}:${k.dir}`).join(",");
}

/** Reads the value at a dotted path of a document; undefined when absent. */
export function valueAt(doc: Record<string, unknown>, path: string): unknown {
  let cur: unknown = doc;
  for (const seg of path.split(".")) {
    if (cur === null || typeof cur !== "object" || cur instanceof Date) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** Encodes the cursor that continues after `last`. */
export function encodeCursor(sort: readonly SortKey[], last: Record<string, unknown>): string {
  const values: Json[] = sort.map((k) => encodeValue(valueAt(last, k.path) ?? null));
  return encodeBase64urlText(JSON.stringify({ s: sortTag(sort), v: values, id: last._id }));
}

/** Decodes a cursor, refusing one that is malformed or was made for another sort. */
export function decodeCursor(cursor: string, sort: readonly SortKey[]): CursorPosition {
  let parsed: { s?: unknown; v?: unknown; id?: unknown };
  try {
    if (typeof cursor !== "string" || cursor.length > 64_000) throw new Error("bad length");
    const text = decodeBase64urlText(cursor);
    if (text === null) throw new Error("not base64url");
    parsed = JSON.parse(text);
  } catch (err) {
    throw new StoreError("invalid", "documents", "malformed cursor", { cause: err });
  }
  if (
    typeof parsed !== "object" || parsed === null || typeof parsed.id !== "string" ||
    !Array.isArray(parsed.v) || parsed.v.length !== sort.length
  ) {
    throw new StoreError("invalid", "documents", "malformed cursor");
  }
  if (parsed.s !== sortTag(sort)) {
    throw new StoreError("invalid", "documents", "cursor was made for a different sort");
  }
  return { values: parsed.v.map(decodeValue), id: parsed.id };
}
