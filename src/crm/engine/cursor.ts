/**
 * Opaque keyset cursors: base64url JSON of the sort in force, the search text, and the last row's
 * sort value (as Postgres text, so timestamps keep their microseconds) and id.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { unprocessable } from "../../errors.ts";
import { decodeBase64urlText, encodeBase64urlText } from "../../shared/base64url.ts";

/** Where the previous page ended, and under which ordering. */
export interface CursorState {
  /** Sort in force, e.g. "-created_at", or "~q" for similarity order. */
  sort: string;
  /** Search text the order depends on (similarity), else null. */
  q: string | null;
  /** Last row's sort value as text; null when that value was NULL. */
  value: string | null;
  id: string;
}

const Payload = z.object({
  s: z.string().max(100),
  q: z.string().max(200).nullable(),
  v: z.string().max(200).nullable(),
  id: z.guid(),
});

/** Encodes a cursor; opaque to clients. */
export function encodeCursor(state: CursorState): string {
  return encodeBase64urlText(
    JSON.stringify({ s: state.sort, q: state.q, v: state.value, id: state.id }),
  );
}

/**
 * Decodes a cursor made for the same sort and search; anything else (tampered, truncated, from
 * another ordering) is 422 on the `cursor` parameter.
 */
export function decodeCursor(text: string, sort: string, q: string | null): CursorState {
  const refuse = (why: string) =>
    unprocessable("The query parameters are not valid", [{ path: "cursor", message: why }]);
  let raw: unknown;
  try {
    const json = decodeBase64urlText(text);
    if (json === null) throw refuse("not a cursor from this API");
    raw = JSON.parse(json);
  } catch {
    throw refuse("not a cursor from this API");
  }
  const parsed = Payload.safeParse(raw);
  if (!parsed.success) throw refuse("not a cursor from this API");
  const p = parsed.data;
  if (p.s !== sort || p.q !== q) throw refuse("the cursor was made for another sort or search");
  return { sort: p.s, q: p.q, value: p.v, id: p.id };
}
