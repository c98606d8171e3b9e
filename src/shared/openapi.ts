// OpenAPI pieces every domain shares: the one problem+json response, the status descriptions,
// `json()` bodies, bearer `security`, list query parameters, uuid path parameters and If-Match.
import { z } from "@hono/zod-openapi";

export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
  request_id: z.string().nullable(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
}).openapi("Problem");

const DESCRIPTIONS: Record<number, string> = {
  401: "No valid access token",
  403: "The caller's roles do not grant this",
  404: "Not found (or not yours)",
  409: "Conflict",
  412: "The resource changed since it was read (If-Match)",
  422: "Invalid parameters or body, with field paths",
  429: "Daily limit reached; Retry-After says when it resets",
  503: "A store is not answering",
};

/** Problem responses for `statuses`, for a route's `responses`. */
export function problems<S extends number>(...statuses: S[]) {
  const out = {} as Record<
    S,
    {
      description: string;
      content: { "application/problem+json": { schema: typeof ProblemSchema } };
    }
  >;
  for (const s of statuses) {
    out[s] = {
      description: DESCRIPTIONS[s] ?? "Error",
      content: { "application/problem+json": { schema: ProblemSchema } },
    };
  }
  return out;
}

/**
 * limit (1-200, default 50) and an opaque cursor: a shape, spread into a `z.strictObject` so that a
 * list refuses unknown parameters (422 naming them) as the CRM lists do.
 */
export const PageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ example: 50 }),
  cursor: z.string().min(1).max(200).regex(/^[A-Za-z0-9_-]+$/, "invalid cursor").optional(),
};

export const UuidParam = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

/** Bearer-token security, for every route that is not public. */
export const security = [{ bearer: [] }];

/** A JSON request or response body with its description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** The optional If-Match request header (412 when stale). */
export const IfMatchHeader = z.object({
  "if-match": z.string().optional().openapi({
    param: { name: "if-match", in: "header" },
    description: "The ETag last read; 412 when the resource changed since",
  }),
});

/**
 * An e-mail address as the server checks it: zod's e-mail rule, stated as its pattern (and no
 * `format: email`, whose validators differ from it) so that the document says exactly that rule.
 */
export const emailString = (max = 255) =>
  z.string().regex(z.regexes.email, "Invalid email address").max(max);
