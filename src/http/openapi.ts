/**
 * Route modules are OpenAPIHono routers built here, so every one validates requests with zod and
 * answers a failed validation the same way: 422 problem+json with field paths.
 *
 * @module
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { unprocessable } from "../errors.ts";
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

/** A router whose zod validation failures become 422 problem+json. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        const errors = fieldErrors(result.error.issues);
        const where = result.target === "json" ? "request body" : `${result.target} parameters`;
        throw unprocessable(`The ${where} is not valid`, errors);
      }
    },
  });
}
