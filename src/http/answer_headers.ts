/**
 * The headers every answer carries, set in one layer after the handler: the Content-Security-
 * Policy, the security headers its kind needs, and CORS (which also answers preflights).
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { cors, type CorsOptions } from "./cors.ts";
import { contentSecurityPolicy } from "./csp.ts";
import { setSecurityHeaders } from "./security_headers.ts";
import type { AppEnv } from "./types.ts";

export interface AnswerHeaderOptions {
  cors: CorsOptions;
  /** HTML routes whose page gets its own CSP (the Swagger UI). */
  pages: readonly string[];
}

export function answerHeaders(options: AnswerHeaderOptions): MiddlewareHandler<AppEnv> {
  const corsHeaders = cors(options.cors);
  const policyOf = contentSecurityPolicy(options.pages);
  return async function answerHeaders(c, next) {
    const preflight = c.req.method === "OPTIONS";
    if (preflight) {
      // hono's preflight returns its 204 rather than setting it.
      const answer = await corsHeaders.preflight(c, next);
      if (answer instanceof Response) c.res = answer;
    } else await next();
    const policy = policyOf(c);
    const h = c.res.headers;
    h.set("Content-Security-Policy", typeof policy === "string" ? policy : await policy);
    setSecurityHeaders(h, h.get("Content-Type"));
    if (!preflight) corsHeaders.decorate(c);
  };
}
