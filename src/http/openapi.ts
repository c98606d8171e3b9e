/**
 * Route modules are OpenAPIHono routers built here, so every one validates requests with zod and
 * answers a failed validation the same way: 422 problem+json with field paths.
 *
 * @module
 */
import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import { unprocessable } from "../errors.ts";
import { requestChecks, type RequestHook, type RequestPart } from "./request_checks.ts";
import type { AppEnv } from "./types.ts";

interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  keys?: readonly string[];
}

/** Field errors from zod issues; unknown keys are listed one by one. */
export function fieldErrors(issues: readonly IssueLike[]): { path: string; message: string }[] {
  return issues.flatMap((i) => {
    const base = i.path.map(String).join(".");
    if (i.code === "unrecognized_keys" && i.keys) {
      return i.keys.map((k) => ({ path: base ? `${base}.${k}` : k, message: "unknown field" }));
    }
    return [{ path: base || "(root)", message: i.message }];
  });
}

/** The hook every router answers a failed validation with: a 422 naming the fields. */
const failedValidation: RequestHook = (result: {
  success: boolean;
  target: string;
  error?: { issues: readonly IssueLike[] };
}) => {
  if (!result.success) {
    const errors = fieldErrors(result.error?.issues ?? []);
    const where = result.target === "json" ? "request body" : `${result.target} parameters`;
    throw unprocessable(`The ${where} is not valid`, errors);
  }
};

const isSchema = (value: unknown): value is z.ZodType =>
  typeof (value as { safeParse?: unknown } | null)?.safeParse === "function";

/**
 * Registers routes as `OpenAPIHono.openapi` does, except that the query, path, header and
 * cookie schemas are checked by one synchronous middleware (request_checks.ts) instead of one
 * async layer each. The route is documented whole; only its body goes to the library's checks.
 */
function withSyncChecks(app: OpenAPIHono<AppEnv>): void {
  const register = app.openapi;
  const replacement = (
    config: RouteConfig,
    handler: Parameters<typeof register>[1],
    hook?: RequestHook,
  ) => {
    const { middleware, hide, ...route } = config;
    const request = route.request ?? {};
    const { query, params, headers, cookies, ...rest } = request;
    const given: [RequestPart, unknown][] = [
      ["query", query],
      ["param", params],
      ["header", headers],
      ["cookie", cookies],
    ];
    const parts = given.filter(([, schema]) => schema !== undefined) as [RequestPart, z.ZodType][];
    // Nothing to check, or a part given as something other than one schema (the library also
    // takes a list of header schemas): the library's own layers.
    if (parts.length === 0 || !parts.every(([, schema]) => isSchema(schema))) {
      return register(config as never, handler as never, hook as never);
    }
    if (!hide) app.openAPIRegistry.registerPath(route);
    const before: MiddlewareHandler[] = middleware === undefined
      ? []
      : Array.isArray(middleware)
      ? [...middleware]
      : [middleware as MiddlewareHandler];
    const checked: RouteConfig = {
      ...route,
      request: rest,
      hide: true,
      middleware: [...before, requestChecks(parts, hook ?? failedValidation)],
    };
    return register(checked as never, handler as never, hook as never);
  };
  app.openapi = replacement as unknown as typeof app.openapi;
}

/** A router whose zod validation failures become 422 problem+json. */
export function createRouter(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: failedValidation });
  withSyncChecks(app);
  return app;
}
