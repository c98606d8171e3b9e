/**
 * RFC 9457 problem details: the one shape every error response takes.
 *
 * @module
 */
import type { Context } from "hono";
import type { AppError } from "../errors.ts";

export const PROBLEM_TYPE_BASE = "https://polystore.dev/problems/";

/** Builds the application/problem+json response for `err`, with the request id. */
export function problemResponse(c: Context, err: AppError): Response {
  const body: Record<string, unknown> = {
    type: `${PROBLEM_TYPE_BASE}${err.code}`,
    title: err.title,
    status: err.status,
    detail: err.detail ?? err.title,
    instance: c.req.path,
    request_id: c.get("requestId") ?? null,
  };
  if (err.errors && err.errors.length > 0) body.errors = err.errors;
  const headers = new Headers({ "Content-Type": "application/problem+json" });
  for (const [k, v] of Object.entries(err.headers)) headers.set(k, v);
  // Rate-limit headers set earlier on this request must survive an error response.
  for (const [k, v] of c.res.headers) {
    if (k.toLowerCase().startsWith("ratelimit-")) headers.set(k, v);
  }
  return new Response(JSON.stringify(body), { status: err.status, headers });
}
