// Mounts a router the way createApp does (request id and the one error handler), for tests of a
// route module on its own.
import { Hono } from "hono";
import { createLogger } from "../../src/log.ts";
import { errorHandler } from "../../src/http/errors.ts";
import { requestId } from "../../src/http/request_id.ts";

export function mountWithErrors(path: string, router: Hono): Hono {
  const app = new Hono();
  app.onError(errorHandler(createLogger("silent")));
  app.use("*", requestId());
  app.route(path, router);
  return app;
}
