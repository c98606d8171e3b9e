/**
 * Maps npm:mongodb errors to StoreErrors: duplicate keys and index clashes become conflicts,
 * refused requests become invalid, a lost or absent server becomes unavailable or timeout.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

interface MongoErrorLike {
  name?: string;
  code?: unknown;
  codeName?: unknown;
  message?: string;
  keyPattern?: Record<string, unknown>;
  keyValue?: Record<string, unknown>;
}

const NETWORK_ERRORS = new Set([
  "MongoServerSelectionError",
  "MongoNetworkError",
  "MongoNotConnectedError",
  "MongoTopologyClosedError",
  "MongoServerClosedError",
  "MongoPoolClosedError",
  "MongoPoolClearedError",
]);

/** Server codes that mean "your request is wrong", not "the server is unwell". */
const INVALID_CODES = new Set([
  2, // BadValue
  9, // FailedToParse
  14, // TypeMismatch
  15, // Overflow
  28, // PathNotViable
  40, // ConflictingUpdateOperators
  52, // DollarPrefixedFieldName
  55, // InvalidDBRef
  56, // EmptyFieldName
  57, // DottedFieldName
  66, // ImmutableField
  67, // CannotCreateIndex
  72, // InvalidOptions
  73, // InvalidNamespace
  121, // DocumentValidationFailure ($jsonSchema validator)
  238, // NotImplemented (FerretDB)
  10334, // BSONObjectTooLarge
]);

const CONFLICT_CODES = new Set([
  11000, // DuplicateKey
  11001, // DuplicateKey (legacy)
  68, // IndexAlreadyExists
  85, // IndexOptionsConflict
  86, // IndexKeySpecsConflict
]);

function keyField(e: MongoErrorLike): string | undefined {
  const keys = Object.keys(e.keyPattern ?? e.keyValue ?? {});
  if (keys.length > 0) return keys[0];
  return e.message?.match(/dup key: \{ ?"?([A-Za-z0-9_.]+)"?:/)?.[1];
}

/** Converts a driver error into a StoreError; anything unrecognised becomes `unavailable`. */
export function mapMongoError(err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const e = (err ?? {}) as MongoErrorLike;
  const name = e.name ?? "";
  const message = (e.message ?? String(err)).slice(0, 300);
  const code = typeof e.code === "number" ? e.code : undefined;

  if (code !== undefined && CONFLICT_CODES.has(code)) {
    const field = code === 11000 || code === 11001 ? keyField(e) : undefined;
    const text = field === "_id"
      ? "a document with this _id already exists"
      : field
      ? `duplicate value for unique field ${field}`
      : message;
    return new StoreError("conflict", "documents", text, { cause: err, field });
  }
  // FerretDB 1.x reports a unique index hit by an update as an InternalError from its backend
  // (SQLite or PostgreSQL) instead of code 11000.
  if (
    /UNIQUE constraint failed|duplicate key value violates unique constraint|could not create unique index/
      .test(message)
  ) {
    return new StoreError("conflict", "documents", "duplicate value for a unique index", {
      cause: err,
    });
  }
  if (name === "MongoNetworkTimeoutError" || name === "MongoOperationTimeoutError" || code === 50) {
    return new StoreError("timeout", "documents", "MongoDB operation timed out", { cause: err });
  }
  if (NETWORK_ERRORS.has(name)) {
    return new StoreError("unavailable", "documents", `MongoDB unavailable: ${message}`, {
      cause: err,
    });
  }
  if (code !== undefined && INVALID_CODES.has(code)) {
    return new StoreError("invalid", "documents", message, { cause: err });
  }
  if (
    name === "MongoInvalidArgumentError" || name === "BSONError" || name === "MongoParseError"
  ) {
    return new StoreError("invalid", "documents", message, { cause: err });
  }
  return new StoreError("unavailable", "documents", message, { cause: err });
}

/** True when the server said it does not implement what was asked (FerretDB 1.x gaps). */
export function isNotImplemented(err: unknown): boolean {
  const e = (err ?? {}) as MongoErrorLike;
  return e.code === 238 || e.code === 115 || e.codeName === "NotImplemented";
}
