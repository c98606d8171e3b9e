/**
 * Maps PostgreSQL errors (same SQLSTATE codes from npm:pg and PGlite) to StoreErrors, naming the
 * column when Postgres tells us which one, so the API can answer 409/422 with a field path.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

interface PgErrorLike {
  code?: string;
  detail?: string;
  column?: string;
  constraint?: string;
  message?: string;
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "53300", // too_many_connections
]);

function keyColumn(detail: string | undefined): string | undefined {
  // "Key (email)=(a@b.c) already exists." / "Key (lower(email::text))=(…)" / "Key (a, b)=(…)"
  const m = detail?.match(/^Key \((.+?)\)=/);
  if (!m) return undefined;
  const inner = m[1].match(/^lower\(\(?([a-z_]+)/)?.[1] ?? m[1];
  return inner.split(",")[0].trim();
}

/**
 * True for errors raised by the Postgres drivers (server errors carry a `severity`; socket errors
 * an `E…` code), as opposed to errors a caller threw inside a transaction.
 */
export function isDriverError(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof StoreError) return false;
  const e = err as Error & { severity?: unknown; code?: unknown };
  return typeof e.severity === "string" ||
    (typeof e.code === "string" && /^E[A-Z]+$/.test(e.code)) ||
    /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/i.test(
      e.message,
    );
}

/** Driver errors become StoreErrors; anything else (a caller's own error) passes unchanged. */
export function rethrowable(err: unknown): unknown {
  return isDriverError(err) ? mapPgError(err) : err;
}

/** Converts a driver error into a StoreError; anything unrecognised becomes `unavailable`. */
export function mapPgError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as PgErrorLike;
  const code = e.code ?? "";
  const message = e.message ?? String(err);
  const field = keyColumn(e.detail) ?? e.column;
  const opts = { cause: err, field };
  if (code === "23505") return new StoreError("conflict", "relational", "duplicate value", opts);
  if (code === "23503") {
    return new StoreError("invalid", "relational", "referenced row does not exist", opts);
  }
  if (code === "23502") return new StoreError("invalid", "relational", "missing value", opts);
  if (code === "23514" || code === "23P01") {
    return new StoreError(
      "invalid",
      "relational",
      `constraint ${e.constraint ?? ""} violated`,
      opts,
    );
  }
  if (code.startsWith("22")) return new StoreError("invalid", "relational", message, opts);
  if (code === "40001" || code === "40P01") {
    return new StoreError("conflict", "relational", "concurrent update, retry", opts);
  }
  if (code === "57014") return new StoreError("timeout", "relational", "statement timed out", opts);
  if (CONNECTION_CODES.has(code) || code.startsWith("08") || /connect|terminat/i.test(message)) {
    return new StoreError("unavailable", "relational", "database unavailable", opts);
  }
  // Programming errors (bad SQL, missing table) keep their message for the log; the HTTP layer
  // never shows it to clients.
  return new StoreError("unavailable", "relational", message, opts);
}
