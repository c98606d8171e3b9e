// Opaque keyset cursors: base64url JSON of the sort in force, the search text, and the last row's
// sort value (as Postgres text, so timestamps keep their microseconds) and id.
import { z } from "@hono/zod-openapi";
import { unprocessable } from "../../errors.ts";

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

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): string {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return new TextDecoder("utf-8", { fatal: true }).decode(
    Uint8Array.from(bin, (c) => c.charCodeAt(0)),
  );
}

/** Encodes a cursor; opaque to clients. */
export function encodeCursor(state: CursorState): string {
  return toBase64Url(JSON.stringify({ s: state.sort, q: state.q, v: state.value, id: state.id }));
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
    raw = JSON.parse(fromBase64Url(text));
  } catch {
    throw refuse("not a cursor from this API");
  }
  const parsed = Payload.safeParse(raw);
  if (!parsed.success) throw refuse("not a cursor from this API");
  const p = parsed.data;
  if (p.s !== sort || p.q !== q) throw refuse("the cursor was made for another sort or search");
  return { sort: p.s, q: p.q, value: p.v, id: p.id };
}
