/**
 * CORS as hono's `cors()` does it, minus its per-request cost on ordinary requests: hono touches
 * `c.res` before the handler, which makes a placeholder Response whose headers are then copied
 * into the real one. Here they are set on the real response after the handler; preflight
 * (OPTIONS) requests are still answered by hono's middleware itself.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";

export interface CorsOptions {
  /** Origins allowed to read answers (exact match). */
  origin: readonly string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

export function cors(options: CorsOptions): MiddlewareHandler {
  const preflight = honoCors({ ...options, origin: [...options.origin] });
  const allowed = new Set(options.origin);
  const expose = options.exposeHeaders.length > 0 ? options.exposeHeaders.join(",") : undefined;
  return async function cors(c, next) {
    if (c.req.method === "OPTIONS") return await preflight(c, next);
    await next();
    const h = c.res.headers;
    const origin = c.req.header("origin");
    if (origin && allowed.has(origin)) h.set("Access-Control-Allow-Origin", origin);
    if (expose) h.set("Access-Control-Expose-Headers", expose);
    h.append("Vary", "Origin");
  };
}
