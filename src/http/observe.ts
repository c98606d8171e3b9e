/**
 * The outermost layer: names the request (X-Request-Id), then counts, times and logs its answer.
 * One middleware rather than three, because every layer of the chain is paid on every request.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AccessLine } from "./access_log.ts";
import type { HttpMetrics } from "./metrics.ts";
import { pickRequestId } from "./request_id.ts";
import type { AppEnv } from "./types.ts";

export function observeRequests(
  accessLine: AccessLine,
  metrics: HttpMetrics,
): MiddlewareHandler<AppEnv> {
  return async function observeRequests(c, next) {
    const started = performance.now();
    const id = pickRequestId(c.req.header("X-Request-Id"));
    c.set("requestId", id);
    // An error thrown below has become an answer (app.onError) by the time next() returns.
    await next();
    c.res.headers.set("X-Request-Id", id);
    metrics.record(c, started);
    accessLine(c, started);
  };
}
