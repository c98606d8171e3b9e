/**
 * OpenAPI pieces every domain shares, so each is written once: the problem+json response and its
 * status descriptions, `json()` bodies, bearer `security`, list query parameters, uuid path
 * parameters and If-Match.
 *
 * @module
 */
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

/** The one table of default descriptions; a route overrides one with `[status, text]`. */
const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: "The request cannot be read",
  401: "No valid access token",
  403: "The caller's roles do not grant this",
  404: "Not found, or out of the caller's reach",
  405: "The path does not take this method; Allow lists those it takes",
  409: "Conflict with the current state",
  412: "The resource changed since it was read (If-Match is stale)",
  413: "The request body is too large",
  415: "The body's media type is not one this route reads",
  422: "Invalid parameters or body, with field paths",
  429: "Limit reached; Retry-After says when to try again",
  503: "A store is not answering; Retry-After says when to try again",
};

/** One declared problem response. */
export type ProblemResponse = {
  description: string;
  content: { "application/problem+json": { schema: typeof ProblemSchema } };
};

/**
 * Problem responses for `statuses`, for a route's `responses`: each a status (the shared
 * description) or `[status, description]` (this route's own words).
 *
 * @example
 * ```ts
 * import { problems } from "./openapi.ts";
 * const responses = { ...problems(401, 403, [409, "It would leave no active admin"]) };
 * ```
 */
export function problems<S extends number>(
  ...statuses: (S | readonly [S, string])[]
): Record<S, ProblemResponse> {
  const out = {} as Record<S, ProblemResponse>;
  for (const entry of statuses) {
    const [s, description] = typeof entry === "number" ? [entry, undefined] : entry;
    out[s] = {
      description: description ?? DESCRIPTIONS[s] ?? "Error",
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
  "if-match": z.string().max(500).optional().openapi({
    param: { name: "if-match", in: "header" },
    description: "The ETag last read; the change is refused with 412 when the resource changed " +
      "since. Optional: without it the change is applied unconditionally.",
  }),
});

/** Text PostgreSQL can hold (its text and jsonb cannot hold a NUL character). */
// deno-lint-ignore no-control-regex -- NUL is exactly the character this pattern is about
export const NO_NUL = /^[^\u0000]*$/;
export const noNulMessage = "may not contain the NUL character";

/**
 * White space as JavaScript's trim and Python's str.isspace see it, for a regex character class,
 * spelled out so that a pattern in the document means the same to every validator (\s differs
 * between regex engines).
 */
export const WHITE_SPACE =
  "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
// One pattern for both rules, as the document keeps only the first pattern of a string. Leading
// white space, then the first other character: the classes do not overlap, so a long value is
// matched in linear time.
const NOT_BLANK_NO_NUL = new RegExp(`^[${WHITE_SPACE}]*[^${WHITE_SPACE}\\u0000][^\\u0000]*$`);

/**
 * Text that is stored trimmed. Every rule is checked on the text as sent, before the trim, so the
 * document states them exactly: at most `max` characters, no NUL, and something besides white
 * space (a blank value would trim to nothing).
 */
export const trimmedText = (max: number) =>
  z.string().max(max).regex(NOT_BLANK_NO_NUL, "may not be blank or contain the NUL character")
    .trim();

// Dates and date-times as PostgreSQL takes them, written out as whole patterns (not zod's
// iso.date/iso.datetime plus a format): fuzzers and code generators build values from a pattern
// alone, so the pattern is the full rule. Years 0001-9999, real calendar days (leap years
// included), hours 00-23, seconds (RFC 3339 requires them) with up to 6 fraction digits, Z or an
// offset up to 15:59.
const YEAR = "(?:000[1-9]|00[1-9]\\d|0[1-9]\\d{2}|[1-9]\\d{3})";
const LEAP_YEAR = "(?:\\d\\d(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)";
const DAY =
  `(?:${YEAR}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))|${LEAP_YEAR}-02-29)`;
const TIME = "(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,6})?";
const OFFSET = "(?:Z|[+-](?:0\\d|1[0-5]):[0-5]\\d)";

/** The pattern of a calendar date (YYYY-MM-DD) the stores take. */
export const ISO_DATE = new RegExp(`^${DAY}$`);
/** The pattern of an RFC 3339 date-time (Z or an offset) the stores take. */
export const ISO_DATE_TIME = new RegExp(`^${DAY}T${TIME}${OFFSET}$`);

/** A calendar date (YYYY-MM-DD) as the stores take it. */
export const isoDate = () =>
  z.string().regex(ISO_DATE, "expected a date YYYY-MM-DD (years 0001-9999)")
    .openapi({ format: "date" });

/** An RFC 3339 date-time with Z or an offset, as the stores take it. */
export const isoDateTime = () =>
  z.string().regex(
    ISO_DATE_TIME,
    "expected an ISO 8601 date-time with Z or an offset up to 15:59 (years 0001-9999)",
  ).openapi({ format: "date-time" });

/**
 * An e-mail address as the server checks it: zod's e-mail rule, stated as its pattern (and no
 * `format: email`, whose validators differ from it) so that the document says exactly that rule.
 */
export const emailString = (max = 255) =>
  z.string().regex(z.regexes.email, "Invalid email address").max(max);
