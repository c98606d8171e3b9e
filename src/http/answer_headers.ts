/**
 * The headers every answer carries, set once the handler has answered: the Content-Security-
 * Policy, the security headers its kind needs, and CORS (which also answers preflights).
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { cors, type CorsOptions } from "./cors.ts";
import { contentSecurityPolicy } from "./csp.ts";
import { setSecurityHeaders } from "./security_headers.ts";
import { stepLayer } from "./observe.ts";
import type { AppEnv } from "./types.ts";

export interface AnswerHeaderOptions {
  cors: CorsOptions;
  /** HTML routes whose page gets its own CSP (the Swagger UI). */
  pages: readonly string[];
}

/** The two halves of the answer headers, for a layer that runs them around the rest of the chain. */
export interface AnswerHeaderSteps {
  /** The answer to a CORS preflight (OPTIONS), which no route sees; undefined for other methods. */
  early(c: Context<AppEnv>): Promise<Response | void> | undefined;
  /** Sets the headers on the answer; a promise only for a page whose CSP hashes its scripts. */
  finish(c: Context<AppEnv>): Promise<void> | undefined;
}

export function answerHeaderSteps(options: AnswerHeaderOptions): AnswerHeaderSteps {
  const corsHeaders = cors(options.cors);
  const policyOf = contentSecurityPolicy(options.pages);
  const noNext = () => Promise.resolve();
  const apply = (c: Context<AppEnv>, policy: string) => {
    const h = c.res.headers;
    h.set("Content-Security-Policy", policy);
    setSecurityHeaders(h, h.get("Content-Type"));
    if (c.req.method !== "OPTIONS") corsHeaders.decorate(c);
  };
  return {
    // hono's preflight returns its 204 and never calls next.
    early: (c) =>
      c.req.method === "OPTIONS"
        ? corsHeaders.preflight(c, noNext) as Promise<Response | void>
        : undefined,
    finish(c) {
      const policy = policyOf(c);
      if (typeof policy !== "string") return policy.then((p) => apply(c, p));
      apply(c, policy);
      return undefined;
    },
  };
}

/** The same headers as a layer of their own (tests; the API sets them in its outer layer). */
export function answerHeaders(options: AnswerHeaderOptions): MiddlewareHandler<AppEnv> {
  return stepLayer(answerHeaderSteps(options));
}
