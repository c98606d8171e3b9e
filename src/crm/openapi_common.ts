// OpenAPI pieces shared by the generated resource routes: the problem+json response, path
// parameters and the If-Match header.
import { z } from "@hono/zod-openapi";
import { ProblemSchema } from "../shared/openapi.ts";
import type { Resource } from "./resource.ts";

export { ProblemSchema };

const DESCRIPTIONS: Record<number, string> = {
  401: "No valid access token",
  403: "The caller's roles do not grant this",
  404: "Not found, or out of the caller's reach",
  409: "A unique field is taken, or the row is still referenced",
  412: "The row changed since it was read (If-Match is stale)",
  422: "Invalid parameters or body, with field paths",
  503: "A store is not answering",
};

type ProblemResponse = {
  description: string;
  content: { "application/problem+json": { schema: typeof ProblemSchema } };
};

/** Problem responses for `statuses`, for a route's `responses`. */
export function problems(...statuses: number[]): Record<number, ProblemResponse> {
  const out: Record<number, ProblemResponse> = {};
  for (const s of statuses) {
    out[s] = {
      description: DESCRIPTIONS[s] ?? "Error",
      content: { "application/problem+json": { schema: ProblemSchema } },
    };
  }
  return out;
}

const idParam = (name: string) => z.guid().openapi({ param: { name, in: "path" } });

/** Path parameters: every one a uuid. */
export type PathParams = z.ZodObject<Record<string, z.ZodGUID>>;

/** Path parameters of the collection: the parent's id when nested, else none. */
export function collectionParams(res: Resource): PathParams {
  const shape: Record<string, z.ZodGUID> = res.parent ? { id: idParam("id") } : {};
  return z.object(shape);
}

/** Path parameters of one row (and its parent's id when nested). */
export function itemParams(res: Resource): PathParams {
  return z.object(
    res.parent
      ? { id: idParam("id"), [res.idParam]: idParam(res.idParam) }
      : { [res.idParam]: idParam(res.idParam) },
  );
}

export const IfMatchHeaders = z.object({
  "if-match": z.string().max(500).optional().openapi({
    description: "ETag from a read; the change is refused with 412 when the row has changed " +
      "since. Optional: without it the change is applied unconditionally.",
  }),
});

export const RowHeaders = {
  ETag: { description: "Tag of the row's current state, for If-Match", schema: { type: "string" } },
} as const;
