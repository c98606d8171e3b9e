/**
 * OpenAPI pieces of the generated resource routes: path parameters and the row ETag header. The
 * problem responses, `security` and If-Match come from src/shared/openapi.ts.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import type { Resource } from "./resource.ts";

const idParam = (name: string) => z.guid().openapi({ param: { name, in: "path" } });

/** Path parameters: every one a uuid. */
export type PathParams = z.ZodObject<Record<string, z.ZodGUID>>;

/**
 * Path parameters of the collection: the parent's id when nested, else none at all (an empty
 * object would still be a validator run on every request).
 */
export function collectionParams(res: Resource): PathParams | undefined {
  return res.parent ? z.object({ id: idParam("id") }) : undefined;
}

/** Path parameters of one row (and its parent's id when nested). */
export function itemParams(res: Resource): PathParams {
  return z.object(
    res.parent
      ? { id: idParam("id"), [res.idParam]: idParam(res.idParam) }
      : { [res.idParam]: idParam(res.idParam) },
  );
}

export const RowHeaders = {
  ETag: { description: "Tag of the row's current state, for If-Match", schema: { type: "string" } },
} as const;
