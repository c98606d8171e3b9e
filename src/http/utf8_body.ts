/**
 * Refuses a JSON or form body that is not valid UTF-8 (400), before any reader decodes it: the
 * platform's decoders would swap bad bytes for U+FFFD and the mangled text would be stored.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { badRequest } from "../errors.ts";
import type { AppEnv } from "./types.ts";

/** Media types whose bodies are text the API decodes (JSON and the OAuth2 form). */
export function isTextBody(contentType: string | undefined): boolean {
  const type = contentType?.split(";")[0].trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json") ||
    type === "application/x-www-form-urlencoded";
}

/**
 * The middleware: reads text bodies once (Hono caches them for the validators) and checks them.
 * Paths under `skip` (object uploads, stored byte for byte whatever their type) are left alone.
 */
export function utf8Body(skip: readonly string[] = []): MiddlewareHandler<AppEnv> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return async function utf8Body(c, next) {
    // The Content-Type first: reading `body` makes a stream, a cost a GET should not pay.
    if (
      isTextBody(c.req.header("Content-Type")) &&
      !skip.some((prefix) => c.req.path.startsWith(prefix)) && c.req.raw.body !== null
    ) {
      const bytes = await c.req.arrayBuffer();
      try {
        decoder.decode(bytes);
      } catch {
        throw badRequest("The request body is not valid UTF-8");
      }
    }
    await next();
  };
}
