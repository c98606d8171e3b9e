/**
 * CORS as hono's `cors()` does it, minus its per-request cost on ordinary requests: hono touches
 * `c.res` before the handler, which makes a placeholder Response whose headers are then copied
 * into the real one. Here they are set on the real response after the handler; preflight
 * (OPTIONS) requests are still answered by hono's middleware itself. One deviation: the exposed
 * header list goes only on answers to an allowed origin, the only ones a browser reads it on.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { cors as honoCors } from "hono/cors";

export interface CorsOptions {
  /** Origins allowed to read answers (exact match). */
  origin: readonly string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
}

export interface Cors {
  /** Answers an OPTIONS request (hono's preflight handling). */
  preflight: MiddlewareHandler;
  /** Adds the CORS headers to the answer of any other request. */
  decorate(c: Context): void;
}

export function cors(options: CorsOptions): Cors {
  const allowed = new Set(options.origin);
  const expose = options.exposeHeaders.length > 0 ? options.exposeHeaders.join(",") : undefined;
  return {
    preflight: honoCors({ ...options, origin: [...options.origin] }),
    decorate(c) {
      const h = c.res.headers;
      const origin = c.req.header("origin");
      if (origin && allowed.has(origin)) {
        h.set("Access-Control-Allow-Origin", origin);
        if (expose) h.set("Access-Control-Expose-Headers", expose);
      }
      // The answer differs by Origin, so caches must key on it even when none was sent.
      h.append("Vary", "Origin");
    },
  };
}
