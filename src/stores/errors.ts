/**
 * Store errors: every adapter maps its driver's failures to these few codes, so the HTTP layer
 * can answer 404, 409, 422 or 503 without knowing which database sits behind a port.
 *
 * @module
 */

/** What went wrong in a store, independent of the driver. */
export type StoreErrorCode =
  | "not_found"
  | "conflict"
  | "invalid"
  | "unavailable"
  | "timeout";

/** A failure raised by a store adapter, carrying the role and a stable code. */
export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    readonly store: StoreRole,
    message: string,
    options?: { cause?: unknown; field?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.field = options?.field;
  }
  /** Column or field the error concerns (unique or foreign key violations), when known. */
  readonly field: string | undefined;
}

export type StoreRole = "relational" | "documents" | "graph" | "cache" | "objects";

/** True when `err` is a StoreError, optionally of one of the given codes. */
export function isStoreError(err: unknown, ...codes: StoreErrorCode[]): err is StoreError {
  return err instanceof StoreError && (codes.length === 0 || codes.includes(err.code));
}
