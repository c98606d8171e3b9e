/**
 * Small checks shared by the documents modules: the one way they raise `invalid`, recognise a
 * plain object, and validate a new document's `_id`.
 *
 * @module
 */
import { StoreError } from "../errors.ts";

export function invalid(message: string, field?: string): StoreError {
  return new StoreError("invalid", "documents", message, { field });
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Splits a new document into its `_id` (given or a fresh UUID) and the rest, checking both. */
export function splitNewDoc(input: unknown): { id: string; rest: Record<string, unknown> } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw invalid("a document must be an object");
  }
  const { _id, ...rest } = input as Record<string, unknown>;
  const id = _id ?? crypto.randomUUID();
  if (typeof id !== "string" || id === "" || id.length > 1024) {
    throw invalid("_id must be a non-empty string", "_id");
  }
  return { id, rest };
}
