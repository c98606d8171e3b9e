/**
 * Document values as both adapters accept them: JSON values and Dates. Checks what callers store
 * and converts Dates to and from the `{"$date": iso}` form used in JSONB and in NDJSON backups.
 *
 * @module
 */
import { invalid, isPlainObject } from "./checks.ts";

/** A JSON value as it sits in JSONB or in an NDJSON line (Dates as `{"$date": iso}`). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Throws an `invalid` StoreError unless `value` can be stored: JSON values and valid Dates only,
 * no key starting with "$" (it would collide with operators and with the Date encoding), no
 * non-finite numbers, no NUL character in a string or key (PostgreSQL's jsonb, under the embedded
 * adapter and under FerretDB, cannot hold one). `undefined` object members are dropped, as JSON does.
 */
export function assertStorable(value: unknown, where = "document"): void {
  encodeValue(value, where);
}

/** Converts a storable value to JSON, Dates becoming `{"$date": iso}`. */
export function encodeValue(value: unknown, where = "value"): Json {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
      if (value.includes("\0")) throw invalid(`${where}: strings may not contain NUL (\\u0000)`);
      return value;
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw invalid(`${where}: numbers must be finite`);
      return value;
    case "object":
      break;
    default:
      throw invalid(`${where}: a ${typeof value} cannot be stored`);
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw invalid(`${where}: invalid Date`);
    return { $date: value.toISOString() };
  }
  if (Array.isArray(value)) return value.map((v, i) => encodeValue(v ?? null, `${where}.${i}`));
  if (!isPlainObject(value)) {
    const kind = (value as object).constructor?.name ?? "object";
    throw invalid(`${where}: a ${kind} cannot be stored (only JSON values and Dates)`);
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith("$")) throw invalid(`${where}: field names may not start with "$" (${k})`);
    if (k === "") throw invalid(`${where}: empty field name`);
    if (k.includes("\0")) throw invalid(`${where}: field names may not contain NUL`);
    if (v === undefined) continue;
    out[k] = encodeValue(v, `${where}.${k}`);
  }
  return out;
}

/** Reverses `encodeValue`: `{"$date": iso}` objects become Dates. */
export function decodeValue(json: unknown): unknown {
  if (json === null || typeof json !== "object") return json;
  if (Array.isArray(json)) return json.map(decodeValue);
  const obj = json as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1 && keys[0] === "$date") {
    const d = new Date(String(obj.$date));
    if (Number.isNaN(d.getTime())) throw invalid(`bad $date value ${JSON.stringify(obj.$date)}`);
    return d;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = decodeValue(obj[k]);
  return out;
}

/** Deep copy of a storable value, keeping Dates as (new) Dates. */
export function cloneValue<T>(value: T): T {
  return decodeValue(encodeValue(value)) as T;
}
