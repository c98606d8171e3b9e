/**
 * Mounts a router the way createApp does (request id, the one error handler, 404 and 405 as
 * problem+json), for tests of a route module on its own.
 *
 * @module
 */
import { Hono } from "hono";
import { createLogger } from "../../src/log.ts";
import { errorHandler, methodNotAllowedProblems, notFoundHandler } from "../../src/http/errors.ts";
import { requestId } from "../../src/http/request_id.ts";

export function mountWithErrors(path: string, router: Hono): Hono {
  const app = new Hono();
  app.onError(errorHandler(createLogger("silent")));
  app.notFound(notFoundHandler());
  app.use("*", requestId());
  app.use("*", methodNotAllowedProblems(app));
  app.route(path, router);
  return app;
}
