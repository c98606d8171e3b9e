/**
 * Answers whose JSON is text already (rows written by Postgres, a cached page), typed as the
 * `c.json` answer of the value they encode, which is what an OpenAPI route's handler must return.
 *
 * @module
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

const JSON_TYPE = { "Content-Type": "application/json" };

/** `text` (the JSON of a `T`) answered with `status`, typed as `c.json(value, status)`. */
export function jsonText<T, S extends ContentfulStatusCode>(
  c: Context,
  text: string,
  status: S,
): ReturnType<typeof c.json<T, S>> {
  return c.body(text, status, JSON_TYPE) as unknown as ReturnType<typeof c.json<T, S>>;
}
