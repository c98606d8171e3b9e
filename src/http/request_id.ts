/**
 * Gives every request an id: the client's X-Request-Id when it is sane, else a new UUID. The id
 * goes back in the response header, into the log line and into every problem+json body.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";

const SANE = /^[A-Za-z0-9._:-]{8,128}$/;

/** The id a request goes by: the one it brought when sane, else a new UUID. */
export function pickRequestId(given: string | undefined): string {
  return given && SANE.test(given) ? given : crypto.randomUUID();
}

/** The id alone, as a middleware (test apps; the API sets it in `observeRequests`). */
export function requestId(): MiddlewareHandler {
  return async function requestIdMiddleware(c, next) {
    const id = pickRequestId(c.req.header("X-Request-Id"));
    c.set("requestId", id);
    await next();
    c.res.headers.set("X-Request-Id", id);
  };
}
