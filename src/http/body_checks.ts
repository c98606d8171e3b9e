/**
 * What a request body must pass before any route reads it, in one layer: the size limit (413)
 * and, for text bodies, UTF-8 (400). A request that cannot carry a body skips both at once.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { payloadTooLarge } from "../errors.ts";
import { mayHaveBody } from "./body_presence.ts";
import type { AppEnv } from "./types.ts";
import { utf8Body } from "./utf8_body.ts";

export interface BodyCheckOptions {
  maxBytes: number;
  /** Streamed uploads keep their own limits (per bucket, per signed URL) while streaming. */
  streamedUpload: (method: string, path: string) => boolean;
  /** Path prefixes whose bodies are bytes, whatever their type (object uploads). */
  bytesUnder: readonly string[];
}

export function bodyChecks(options: BodyCheckOptions): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize: options.maxBytes,
    onError: () => {
      throw payloadTooLarge(`The request body exceeds ${options.maxBytes} bytes`);
    },
  });
  const utf8 = utf8Body(options.bytesUnder);
  return function bodyChecks(c, next) {
    if (!mayHaveBody(c.req.raw)) return next();
    if (options.streamedUpload(c.req.method, c.req.path)) return utf8(c, next);
    return limit(c, async () => {
      await utf8(c, next);
    });
  };
}
