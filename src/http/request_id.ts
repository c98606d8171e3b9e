/**
 * Gives every request an id: the client's X-Request-Id when it is sane, else a new UUID. The id
 * goes back in the response header, into the log line and into every problem+json body.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

const SANE = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestId(): MiddlewareHandler {
  return async function requestIdMiddleware(c, next) {
    const given = c.req.header("X-Request-Id");
    const id = given && SANE.test(given) ? given : crypto.randomUUID();
    c.set("requestId", id);
    await next();
    // Set on the final response directly: c.header() after the handler copies the whole Response.
    c.res.headers.set("X-Request-Id", id);
  };
}
