/**
 * A route's query, path, header and cookie schemas checked in one synchronous step. What
 * `@hono/zod-openapi` registers for them (one `zValidator` layer per part) reads the same values
 * and calls the same hook, but each layer is an async function awaiting an async parse and an
 * async hook: on a cached read that chain cost more than the parse itself. Bodies keep the
 * library's layers (reading a body is async anyway).
 *
 * @module
 */
import type { Context, MiddlewareHandler, Next } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";

/** The parts of a request checked here, in the order the library checks them. */
export type RequestPart = "query" | "param" | "header" | "cookie";

type Parsed = { success: true; data: unknown } | { success: false; error: z.ZodError };

/** A validation hook as `@hono/zod-openapi` calls it: may answer instead of the route. */
// deno-lint-ignore no-explicit-any -- the library's hook type is generic over every route's env and input.
export type RequestHook = (result: any, c: Context<any>) => unknown;

interface PartCheck {
  part: RequestPart;
  schema: z.ZodType;
  /** Lower-case header name -> the schema's key (headers arrive lower-cased). */
  headerKeys?: Record<string, string>;
  /** Set once a sync parse met an async refinement: this schema is parsed async from then on. */
  async: boolean;
}

/** The values of one part of the request, as `hono/validator` reads them. */
function valuesOf(c: Context, check: PartCheck): Record<string, unknown> {
  switch (check.part) {
    case "query":
      return Object.fromEntries(
        Object.entries(c.req.queries()).map(([k, v]) => (v.length === 1 ? [k, v[0]] : [k, v])),
      );
    case "param":
      return c.req.param();
    case "header": {
      const keys = check.headerKeys ?? {};
      return Object.fromEntries(
        Object.entries(c.req.header()).map(([k, v]) => [keys[k] ?? k, v]),
      );
    }
    case "cookie":
      return getCookie(c);
  }
}

function headerKeysOf(schema: z.ZodType): Record<string, string> {
  // A pipe's keys are those of its input, as the library reads them.
  const s = schema as unknown as { shape?: object; in?: { shape?: object } };
  const shape = (s.in ? s.in.shape : s.shape) ?? {};
  return Object.fromEntries(Object.keys(shape).map((k) => [k.toLowerCase(), k]));
}

/** A sync parse, or undefined when the schema turned out to need an async one. */
function parseSync(check: PartCheck, value: unknown): Parsed | undefined {
  if (check.async) return undefined;
  try {
    return check.schema.safeParse(value) as Parsed;
  } catch (err) {
    if (!(err instanceof z.core.$ZodAsyncError)) throw err;
    check.async = true;
    return undefined;
  }
}

/**
 * What the hook and the parse decided for one part: undefined to go on (the data recorded), a
 * Response to answer with, or a promise of either when the schema or the hook is async.
 */
function decide(
  c: Context,
  check: PartCheck,
  hook: RequestHook,
): Response | undefined | Promise<Response | undefined> {
  const value = valuesOf(c, check);
  const after = (result: Parsed): Response | undefined | Promise<Response | undefined> => {
    const verdict = hook({ data: value, ...result, target: check.part }, c);
    const settle = (answer: unknown): Response | undefined => {
      if (answer instanceof Response) return answer;
      if (answer && typeof answer === "object" && "response" in answer) {
        return (answer as { response: Response }).response;
      }
      if (!result.success) return c.json(result, 400);
      c.req.addValidatedData(check.part, result.data as object);
      return undefined;
    };
    return verdict instanceof Promise ? verdict.then(settle) : settle(verdict);
  };
  const sync = parseSync(check, value);
  if (sync !== undefined) return after(sync);
  return (check.schema.safeParseAsync(value) as Promise<Parsed>).then(after);
}

/**
 * One middleware checking `parts` in order (query, param, header, cookie), the first failure
 * answered by `hook` (which may throw); no promise unless a schema or the hook is async.
 */
export function requestChecks(
  parts: readonly (readonly [RequestPart, z.ZodType])[],
  hook: RequestHook,
): MiddlewareHandler {
  const checks: PartCheck[] = parts.map(([part, schema]) => ({
    part,
    schema,
    headerKeys: part === "header" ? headerKeysOf(schema) : undefined,
    async: false,
  }));
  const from = (c: Context, next: Next, i: number): Promise<Response | void> => {
    for (; i < checks.length; i++) {
      const answer = decide(c, checks[i], hook);
      if (answer instanceof Promise) {
        const at = i;
        return answer.then((a) => a ?? from(c, next, at + 1));
      }
      if (answer !== undefined) return Promise.resolve(answer);
    }
    return next();
  };
  return (c, next) => from(c, next, 0);
}
