/**
 * Opaque keyset cursors for lists ordered newest first by (timestamp, id): the cursor carries the
 * last row's timestamp as Postgres prints it (microseconds, which a JS Date would drop) and id.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { unprocessable } from "../errors.ts";
import { decodeBase64urlText, encodeBase64urlText } from "./base64url.ts";

const CursorSchema = z.tuple([z.string().min(1).max(40), z.uuid()]);

/** The decoded position: rows strictly after it in (ts desc, id desc) order come next. */
export interface KeysetPosition {
  ts: string;
  id: string;
}

/** Encodes a position as base64url JSON. */
export function encodeCursor(p: KeysetPosition): string {
  return encodeBase64urlText(JSON.stringify([p.ts, p.id]));
}

/** Decodes a cursor from a query string; a malformed one is a 422 naming `cursor`. */
export function decodeCursor(cursor: string | undefined): KeysetPosition | null {
  if (cursor === undefined) return null;
  try {
    const text = decodeBase64urlText(cursor);
    const parsed = text === null ? null : CursorSchema.safeParse(JSON.parse(text));
    if (parsed?.success && !Number.isNaN(Date.parse(parsed.data[0]))) {
      return { ts: parsed.data[0], id: parsed.data[1] };
    }
  } catch {
    // fall through to the 422 below
  }
  throw unprocessable("The cursor is not valid", [{ path: "cursor", message: "invalid cursor" }]);
}

/** SQL for the cursor column: the timestamp with microseconds, in UTC. */
export const cursorTs = (column: string) =>
  `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
