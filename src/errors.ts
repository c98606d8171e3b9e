/**
 * Application errors are values with a stable code and an HTTP status. Services and routes throw
 * them through the constructors below; the error middleware (src/http/errors.ts) maps them, and
 * StoreErrors, to problem+json once. A new kind of error is a new `ProblemCode` and constructor
 * here, never an ad-hoc mapping elsewhere.
 *
 * @example
 * ```ts
 * import { notFound, unprocessable } from "./errors.ts";
 * throw notFound("No such dashboard"); // 404, type .../problems/not_found
 * throw unprocessable("The body is not valid", [{ path: "name", message: "required" }]);
 * ```
 * @module
 */

/** Every machine-readable code a problem response may carry (the last segment of its `type`). */
export const PROBLEM_CODES = [
  "bad_request",
  "malformed_request",
  "unauthorized",
  "invalid_credentials",
  "invalid_refresh_token",
  "forbidden",
  "signature_missing",
  "signature_invalid",
  "method_not_signed",
  "signed_url_expired",
  "not_found",
  "method_not_allowed",
  "conflict",
  "precondition_failed",
  "payload_too_large",
  "unsupported_media_type",
  "validation_failed",
  "rate_limited",
  "internal",
  "route_without_permission",
  "service_unavailable",
  "http_error",
] as const;

/** The closed vocabulary of problem codes. */
export type ProblemCode = typeof PROBLEM_CODES[number];

/** One field-level validation failure: a dotted path and a message. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extra response headers, e.g. Retry-After on 429 and 503, Allow on 405. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error the client should see, with its status and a short machine-readable code. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly code: ProblemCode;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(status: number, code: ProblemCode, title: string, options?: AppErrorOptions);
  /** @deprecated Use a constructor below, or add the code to `PROBLEM_CODES`. */
  constructor(status: number, code: string, title: string, options?: AppErrorOptions);
  constructor(
    readonly status: number,
    code: string,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(
      options.detail ?? title,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code as ProblemCode;
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

const retryAfter = (seconds: number) => ({
  "Retry-After": String(Math.max(1, Math.ceil(seconds))),
});

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, "bad_request", "Bad request", { detail, errors });
/** A body the server cannot read at all (not JSON, bad encoding). */
export const malformedRequest = (detail: string) =>
  new AppError(400, "malformed_request", "Bad request", { detail });
export const unauthorized = (detail = "Authentication required") =>
  new AppError(401, "unauthorized", "Unauthorized", {
    detail,
    headers: { "WWW-Authenticate": 'Bearer realm="polystore"' },
  });
export const forbidden = (detail = "You do not have permission for this action") =>
  new AppError(403, "forbidden", "Forbidden", { detail });
export const notFound = (detail = "Resource not found") =>
  new AppError(404, "not_found", "Not found", { detail });
/** The path exists but not for this method; `allow` lists the methods it takes. */
export const methodNotAllowed = (method: string, allow: readonly string[]) =>
  new AppError(405, "method_not_allowed", "Method not allowed", {
    detail: `${method} is not allowed here; use ${allow.join(", ")}`,
    headers: { Allow: allow.join(", ") },
  });
export const conflict = (detail: string, errors?: FieldError[]) =>
  new AppError(409, "conflict", "Conflict", { detail, errors });
export const preconditionFailed = (detail = "The resource changed since it was read") =>
  new AppError(412, "precondition_failed", "Precondition failed", { detail });
export const payloadTooLarge = (detail = "The request body exceeds the size limit") =>
  new AppError(413, "payload_too_large", "Payload too large", { detail });
export const unsupportedMediaType = (detail: string) =>
  new AppError(415, "unsupported_media_type", "Unsupported media type", { detail });
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new AppError(422, "validation_failed", "Validation failed", { detail, errors });
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, "rate_limited", "Too many requests", {
    detail,
    headers: retryAfter(retryAfterSeconds),
  });
/** A failure whose details go to the log only; the client gets the request id to quote. */
export const internalError = (
  detail = "An unexpected error occurred; quote the request id when reporting it",
) => new AppError(500, "internal", "Internal server error", { detail });
export const serviceUnavailable = (detail: string, retryAfterSeconds = 5) =>
  new AppError(503, "service_unavailable", "Service unavailable", {
    detail,
    headers: retryAfter(retryAfterSeconds),
  });
