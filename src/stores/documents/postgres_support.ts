/**
 * The pure pieces of the JSONB documents adapter (./postgres.ts): its schema, the expressions its
 * indexes are built on, how driver failures become documents StoreErrors, and how a new document
 * is encoded for storage.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import { splitNewDoc } from "./checks.ts";
import { pgPath, sortComponents } from "./filter_sql.ts";
import { tieBreakDir } from "./filter_validate.ts";
import type { ParsedIndex } from "./index_spec.ts";
import type { Doc, NewDoc } from "./port.ts";
import { DOC_FAIL_FUNCTION } from "./update_sql.ts";
import { decodeValue, encodeValue, type Json } from "./value_codec.ts";

export const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS doc_collections (
     name text COLLATE "C" PRIMARY KEY,
     created_at timestamptz NOT NULL DEFAULT now())`,
  // id and collection use the "C" collation: _id order is code point order, as in MongoDB.
  `CREATE TABLE IF NOT EXISTS doc_documents (
     collection text COLLATE "C" NOT NULL,
     id text COLLATE "C" NOT NULL,
     body jsonb NOT NULL,
     PRIMARY KEY (collection, id))`,
  `CREATE TABLE IF NOT EXISTS doc_indexes (
     collection text COLLATE "C" NOT NULL,
     name text NOT NULL,
     spec jsonb NOT NULL,
     pg_name text NOT NULL UNIQUE,
     PRIMARY KEY (collection, name))`,
  DOC_FAIL_FUNCTION,
];

export function docError(err: unknown): StoreError {
  if (err instanceof StoreError) {
    if (err.store === "documents") return err;
    return new StoreError(err.code, "documents", err.message, { cause: err, field: err.field });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new StoreError("unavailable", "documents", message, { cause: err });
}

export function conflict(message: string, cause: unknown, field?: string): StoreError {
  return new StoreError("conflict", "documents", message, { cause, field });
}

/** The Postgres constraint name behind a conflict, if the driver reported one. */
export function constraintOf(err: StoreError): string | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    const c = (cur as { constraint?: unknown }).constraint;
    if (typeof c === "string") return c;
    cur = cur.cause;
  }
  return undefined;
}

export async function pgIndexName(collection: string, name: string): Promise<string> {
  const bytes = new TextEncoder().encode(`${collection}\u0000${name}`);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return "doc_idx_" + Array.from(digest.slice(0, 10), (b) => b.toString(16).padStart(2, "0"))
    .join("");
}

export function ttlExpr(path: string): string {
  return `(((body #> ${pgPath(path)}) ->> '$date') COLLATE "C")`;
}

export function indexExprs(index: ParsedIndex): string[] {
  if (index.expireAfterSeconds !== undefined) return [ttlExpr(index.keys[0].path)];
  if (index.unique) {
    // Missing and null count as the same value, as in a MongoDB unique index.
    return index.keys.map((k) => `(coalesce(body #> ${pgPath(k.path)}, 'null'::jsonb))`);
  }
  // The same expressions (and _id tie-breaker) find() orders by, so a sorted page is read off
  // the index and the keyset condition of the next page becomes an index bound.
  const desc = (dir: 1 | -1) => (dir === 1 ? "" : " DESC");
  return [
    ...index.keys.flatMap((k) =>
      sortComponents(`(body #> ${pgPath(k.path)})`).map((e) => `${e}${desc(k.dir)}`)
    ),
    `id${desc(tieBreakDir(index.keys))}`,
  ];
}

export interface PreparedDoc {
  doc: Doc;
  json: Record<string, Json>;
}

export function prepare(input: NewDoc): PreparedDoc {
  const { id, rest } = splitNewDoc(input);
  const json = { _id: id, ...(encodeValue(rest, "document") as Record<string, Json>) };
  return { doc: decodeValue(json) as Doc, json };
}
