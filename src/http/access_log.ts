/**
 * One JSON log line per request: method, path, status, duration, request id, user when known.
 * The line is only built when the logger would keep it, and with no redaction pass: none of its
 * fields can hold a secret.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log.ts";

export function accessLog(log: Logger): MiddlewareHandler {
  const infoOn = log.enabled?.("info") ?? true;
  return async function accessLogMiddleware(c, next) {
    const started = performance.now();
    await next();
    const status = c.res.status;
    if (status < 500 && !infoOn) return;
    const fields = {
      request_id: c.get("requestId"),
      method: c.req.method,
      path: c.req.path,
      status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      user_id: c.get("principal")?.userId,
    };
    if (status >= 500) log.error("request", fields);
    else if (log.trusted) log.trusted("info", "request", fields);
    else log.info("request", fields);
  };
}
