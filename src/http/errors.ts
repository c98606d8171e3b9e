// The one place errors become responses: AppErrors as they are, StoreErrors by code (404, 409,
// 422, 503 with Retry-After), Hono's HTTP exceptions (malformed JSON, body too large) by status,
// and anything else as a bare 500 whose details go to the log only.
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, type FieldError } from "../errors.ts";
import { StoreError } from "../stores/errors.ts";
import type { Logger } from "../log.ts";
import { problemResponse } from "./problem.ts";

/** Converts any thrown value to the AppError the client should see. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof StoreError) return fromStoreError(err);
  if (err instanceof HTTPException) return fromHttpException(err);
  return new AppError(500, "internal", "Internal server error", {
    detail: "An unexpected error occurred; quote the request id when reporting it",
  });
}

function fromStoreError(err: StoreError): AppError {
  const errors: FieldError[] | undefined = err.field
    ? [{ path: err.field, message: err.message }]
    : undefined;
  switch (err.code) {
    case "not_found":
      return new AppError(404, "not_found", "Not found", { detail: err.message });
    case "conflict":
      return new AppError(409, "conflict", "Conflict", {
        detail: err.field
          ? `${err.field} already exists`
          : "The request conflicts with stored data",
        errors,
      });
    case "invalid":
      return new AppError(422, "validation_failed", "Validation failed", {
        detail: err.field ? `${err.field}: ${err.message}` : "The stored data refused this value",
        errors,
      });
    case "timeout":
    case "unavailable":
      return new AppError(503, "store_unavailable", "Service unavailable", {
        detail: `The ${err.store} store is not answering; try again shortly`,
        headers: { "Retry-After": "5" },
      });
  }
}

function fromHttpException(err: HTTPException): AppError {
  const status = err.status;
  if (status === 413) {
    return new AppError(413, "payload_too_large", "Payload too large", {
      detail: "The request body exceeds the size limit",
    });
  }
  if (status === 400) {
    return new AppError(400, "malformed_request", "Bad request", {
      detail: /json/i.test(err.message) ? "The request body is not valid JSON" : err.message,
    });
  }
  if (status === 401) {
    return new AppError(401, "unauthorized", "Unauthorized", { detail: err.message });
  }
  return new AppError(status, "http_error", err.message || "Error", { detail: err.message });
}

/** Hono onError handler that logs server-side failures with the request id. */
export function errorHandler(log: Logger): ErrorHandler {
  return (err: unknown, c: Context) => {
    const appErr = toAppError(err);
    if (appErr.status >= 500) {
      log.error("request failed", {
        request_id: c.get("requestId"),
        method: c.req.method,
        path: c.req.path,
        error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
        stack: err instanceof Error && !(err instanceof AppError) ? err.stack : undefined,
        cause: err instanceof StoreError && err.cause instanceof Error
          ? err.cause.message
          : undefined,
      });
    }
    return problemResponse(c, appErr);
  };
}

type RouteLike = { method: string; path: string };

function pattern(path: string): RegExp {
  const body = path.split("/").map((seg) =>
    seg === "*" ? ".*" : seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${body}/?$`);
}

/**
 * 404 for unknown paths, 405 with Allow for known paths asked with another method. `routes` is
 * read lazily so routes added after this handler is installed still count.
 */
export function notFoundHandler(routes: () => readonly RouteLike[]): NotFoundHandler {
  let compiled: { method: string; re: RegExp }[] | undefined;
  return (c) => {
    compiled ??= routes().filter((r) => r.method !== "ALL").map((r) => ({
      method: r.method,
      re: pattern(r.path),
    }));
    const allowed = [
      ...new Set(compiled.filter((r) => r.re.test(c.req.path)).map((r) => r.method)),
    ];
    if (allowed.length > 0) {
      return problemResponse(
        c,
        new AppError(405, "method_not_allowed", "Method not allowed", {
          detail: `${c.req.method} is not allowed here; use ${allowed.join(", ")}`,
          headers: { Allow: allowed.join(", ") },
        }),
      );
    }
    return problemResponse(
      c,
      new AppError(404, "not_found", "Not found", { detail: `No route for ${c.req.path}` }),
    );
  };
}
