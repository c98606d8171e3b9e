/**
 * The answers every operation can give whatever its route file declares (a body that is not JSON,
 * too large, invalid input, a rate limit, a store that is down), added to the generated document
 * in one place so that every domain, present and future, documents them without repeating them.
 *
 * @module
 */

/** Where the API lives; the system routes outside it validate nothing and are never limited. */
const API_PREFIX = "/api/v1/";

const PROBLEM_REF = "#/components/schemas/Problem";

const STANDARD: Readonly<Record<string, string>> = {
  400: "The body is not valid JSON, or not valid UTF-8",
  413: "The body exceeds the size limit",
  422: "Invalid parameters or body, with field paths in errors[]",
  429: "Rate limit reached; Retry-After says when to try again",
  503: "A store is not answering; Retry-After says when to try again",
};

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"] as const;

interface MediaType {
  schema?: unknown;
}

interface Response {
  description?: string;
  content?: Record<string, MediaType>;
  [key: string]: unknown;
}

interface Operation {
  requestBody?: { content?: Record<string, MediaType> };
  responses?: Record<string, Response>;
  [key: string]: unknown;
}

/** The part of an OpenAPI document this module reads and writes. */
export interface OpenApiDocument {
  paths?: object;
}

function problem(description: string): Response {
  return {
    description,
    content: { "application/problem+json": { schema: { $ref: PROBLEM_REF } } },
  };
}

/** The statuses `path`'s operation can answer besides what its route declares. */
export function standardStatuses(path: string, op: Operation): string[] {
  const out: string[] = [];
  const media = Object.keys(op.requestBody?.content ?? {});
  if (media.some((m) => m === "application/json" || m.endsWith("+json"))) out.push("400");
  if (media.length > 0) out.push("413");
  if (path.startsWith(API_PREFIX)) out.push("422", "429", "503");
  return out;
}

/**
 * Adds the standard problem responses to every operation of `doc` (in place, and returned), and
 * gives every declared 4xx/5xx response without a body the problem+json body the server sends.
 */
export function withStandardResponses<T extends OpenApiDocument>(doc: T): T {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, unknown>>;
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) {
      const op = item[method] as Operation | undefined;
      if (!op) continue;
      const responses = op.responses ??= {};
      for (const status of standardStatuses(path, op)) {
        responses[status] ??= problem(STANDARD[status]);
      }
      for (const [status, response] of Object.entries(responses)) {
        if (/^[45]\d\d$/.test(status) && response.content === undefined) {
          response.content = problem("").content;
        }
      }
    }
  }
  return doc;
}
