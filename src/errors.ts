// Application errors are values with a stable code and an HTTP status. Services and routes throw
// them; the error middleware (src/http/errors.ts) maps them, and StoreErrors, to problem+json once.

/** One field-level validation failure: a dotted path and a message. */
export interface FieldError {
  path: string;
  message: string;
}

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extra response headers, e.g. Retry-After on 429 and 503. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error the client should see, with its status and a short machine-readable code. */
export class AppError extends Error {
  override readonly name = "AppError";
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    options: AppErrorOptions = {},
  ) {
    super(
      options.detail ?? title,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const badRequest = (detail: string, errors?: FieldError[]) =>
  new AppError(400, "bad_request", "Bad request", { detail, errors });
export const unauthorized = (detail = "Authentication required") =>
  new AppError(401, "unauthorized", "Unauthorized", {
    detail,
    headers: { "WWW-Authenticate": 'Bearer realm="polystore"' },
  });
export const forbidden = (detail = "You do not have permission for this action") =>
  new AppError(403, "forbidden", "Forbidden", { detail });
export const notFound = (detail = "Resource not found") =>
  new AppError(404, "not_found", "Not found", { detail });
export const conflict = (detail: string, errors?: FieldError[]) =>
  new AppError(409, "conflict", "Conflict", { detail, errors });
export const preconditionFailed = (detail = "The resource changed since it was read") =>
  new AppError(412, "precondition_failed", "Precondition failed", { detail });
export const unprocessable = (detail: string, errors?: FieldError[]) =>
  new AppError(422, "validation_failed", "Validation failed", { detail, errors });
export const tooManyRequests = (detail: string, retryAfterSeconds: number) =>
  new AppError(429, "rate_limited", "Too many requests", {
    detail,
    headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
  });
export const serviceUnavailable = (detail: string, retryAfterSeconds = 5) =>
  new AppError(503, "service_unavailable", "Service unavailable", {
    detail,
    headers: { "Retry-After": String(retryAfterSeconds) },
  });
