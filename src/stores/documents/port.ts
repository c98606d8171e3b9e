/**
 * The documents port: MongoDB-style collections over npm:mongodb (server) or JSONB tables in the
 * relational store (embedded). Only the documented subset below is accepted; anything else is
 * refused with an `invalid` StoreError rather than silently ignored.
 *
 * @module
 */
import type { StoreHealth } from "../health.ts";

/**
 * A stored document. `_id` is a string (a UUID unless the caller gives one) so that ids look
 * the same on every adapter. Values are JSON values or `Date`; a `Date` comes back as a `Date`.
 */
export type Doc = { _id: string } & Record<string, unknown>;
export type NewDoc = { _id?: string } & Record<string, unknown>;

/**
 * Filter subset: `{ "a.b": value }` equality on nested paths (an array field matches when it
 * contains the value), and per field `$eq`, `$ne`, `$in`, `$nin`, `$gt`, `$gte`, `$lt`, `$lte`,
 * `$exists`, and `$contains` (case-insensitive substring match on a string field: the portable
 * "text match"). Top-level `$and` / `$or` take arrays of filters.
 */
export type Filter = Record<string, unknown>;

/** Update subset: `$set`, `$unset`, `$inc`, `$push`, `$pull` (pull by equal value). */
export type Update = {
  $set?: Record<string, unknown>;
  $unset?: Record<string, unknown>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
  $pull?: Record<string, unknown>;
};

export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  /** Page size; adapters cap it at 1000. Default 50. */
  limit?: number;
  /** Opaque cursor from a previous page's `next_cursor`; must be used with the same filter and sort. */
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface IndexSpec {
  /** Field paths with direction. */
  keys: Record<string, 1 | -1>;
  name?: string;
  unique?: boolean;
  /** TTL index: documents expire this many seconds after the (single, Date-valued) key field. */
  expireAfterSeconds?: number;
}

export interface UpdateResult {
  matched: number;
  modified: number;
}

export interface Collection {
  readonly name: string;
  insertOne(doc: NewDoc): Promise<Doc>;
  insertMany(docs: readonly NewDoc[]): Promise<Doc[]>;
  findOne(filter: Filter): Promise<Doc | null>;
  find(filter: Filter, options?: FindOptions): Promise<Page<Doc>>;
  updateOne(filter: Filter, update: Update): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  count(filter?: Filter): Promise<number>;
  createIndex(spec: IndexSpec): Promise<void>;
  /** Every document as one NDJSON line each (Dates as `{"$date": iso}`). */
  exportNdjson(): AsyncIterable<string>;
  /** Inserts documents from NDJSON lines (the export format); returns how many. */
  importNdjson(lines: AsyncIterable<string>): Promise<number>;
}

export interface DocumentStore {
  readonly adapter: string;
  collection(name: string): Collection;
  listCollections(): Promise<string[]>;
  /**
   * Installs a MongoDB `$jsonSchema` validator on the collection (creating it when missing) where
   * the server has validators; resolves false where it does not (FerretDB 1.x), and the method is
   * absent on adapters without them (embedded): the caller then enforces the schema itself.
   */
  setValidator?(collection: string, jsonSchema: Record<string, unknown>): Promise<boolean>;
  dropCollection(name: string): Promise<void>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
