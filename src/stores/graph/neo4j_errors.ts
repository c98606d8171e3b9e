/**
 * Maps neo4j-driver failures to StoreErrors so the HTTP layer can answer 409/422/503 without
 * knowing Neo4j's error codes. Never copies a connection string or credential into a message.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

interface Neo4jErrorLike {
  code?: unknown;
  message?: unknown;
  name?: unknown;
}

/** Converts any error from the driver into a graph StoreError (StoreErrors pass unchanged). */
export function mapNeo4jError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as Neo4jErrorLike;
  const code = typeof e.code === "string" ? e.code : "";
  const message = typeof e.message === "string" ? e.message : String(err);
  const opts = { cause: err };
  if (code === "ServiceUnavailable" || code === "SessionExpired") {
    return new StoreError("unavailable", "graph", "graph database unavailable", opts);
  }
  if (code.startsWith("Neo.ClientError.Security.")) {
    return new StoreError("unavailable", "graph", "graph database refused the credentials", opts);
  }
  if (code.startsWith("Neo.ClientError.Schema.ConstraintValidationFailed")) {
    return new StoreError("conflict", "graph", "duplicate node", opts);
  }
  if (code.startsWith("Neo.ClientError.Transaction.TransactionTimedOut")) {
    return new StoreError("timeout", "graph", "graph query timed out", opts);
  }
  if (/acquisition timed out|connection timeout|timed out/i.test(message)) {
    return new StoreError("timeout", "graph", "graph database did not answer in time", opts);
  }
  if (
    code.startsWith("Neo.ClientError.Statement.ArgumentError") ||
    code.startsWith("Neo.ClientError.Statement.TypeError")
  ) {
    return new StoreError("invalid", "graph", message, opts);
  }
  if (code.startsWith("Neo.TransientError.") || code === "" || /connect|socket/i.test(message)) {
    return new StoreError("unavailable", "graph", "graph database unavailable", opts);
  }
  // Our own query bugs keep their message for the log; the HTTP layer never shows it.
  return new StoreError("unavailable", "graph", message, opts);
}

/**
 * How a failed transaction may be retried: "transient" (deadlock, lock timeout, leader switch)
 * until the call's deadline, "connection" (a stale pooled connection after a restart) a few
 * times, or null (never). Decided by the error code alone: the driver's own check relies on
 * `instanceof Neo4jError`, which fails under Deno because the driver sets prototypes through
 * `__proto__`, which Deno disables.
 */
export function neo4jRetryKind(err: unknown): "transient" | "connection" | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return null;
  if (code.startsWith("Neo.TransientError.")) return "transient";
  if (code === "ServiceUnavailable" || code === "SessionExpired") return "connection";
  return null;
}
