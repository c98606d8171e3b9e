/**
 * Server documents adapter over npm:mongodb (MongoDB, or FerretDB locally). One MongoClient with
 * short server-selection and connect timeouts, so a down server fails fast instead of hanging;
 * the driver reconnects by itself when the server returns. Every call is bounded by withTimeout.
 *
 * FerretDB 1.x refuses TTL indexes ("expireAfterSeconds" is not implemented), so when the server
 * says so the adapter builds a plain index and expires documents itself, like the JSONB adapter.
 * TTL indexes are recorded in the `_polystore_ttl` collection either way, so sweepExpired()
 * behaves the same on both servers.
 *
 * @module
 */
import { type Db, type Document, type Filter as MFilter, MongoClient } from "mongodb";
import { StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import { withTimeout } from "../resilience.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { mongoAfter, toMongoFilter, toMongoSort, toMongoUpdate } from "./filter_mongo.ts";
import { parseFilter, parseLimit, parseSort, validateCollectionName } from "./filter_validate.ts";
import { parseIndexSpec } from "./index_spec.ts";
import { isNotImplemented, mapMongoError } from "./mongo_errors.ts";
import { ndjsonBatches, toNdjsonLine } from "./ndjson.ts";
import type {
  Collection,
  Doc,
  Filter,
  FindOptions,
  IndexSpec,
  NewDoc,
  Page,
  Update,
  UpdateResult,
} from "./port.ts";
import { DEFAULT_SWEEP_INTERVAL_MS, startSweeper, type TtlDocumentStore } from "./ttl.ts";
import { parseUpdate } from "./update_validate.ts";
import { cloneValue, encodeValue } from "./value_codec.ts";
import { splitNewDoc } from "./checks.ts";

export interface MongoDocumentsOptions {
  /** mongodb:// or mongodb+srv:// URL (replica set URIs work). */
  url: string;
  /** Database name. */
  db: string;
  /** Upper bound for every call, in milliseconds. */
  timeoutMs: number;
  /** Ping the server before resolving (default true); false opens without a server. */
  verify?: boolean;
  /** Pause between TTL sweeps for indexes the server cannot expire; 0 turns it off. */
  sweepIntervalMs?: number;
}

/** Which server answers: MongoDB itself or FerretDB (whose 1.x line has known gaps). */
export interface MongoServerInfo {
  product: "mongodb" | "ferretdb";
  version: string;
}

/** The MongoDB adapter: a TTL-sweeping document store that knows which server it talks to. */
export interface MongoDocumentStore extends TtlDocumentStore {
  /** Known once the server has answered (always after a verified open). */
  readonly server: MongoServerInfo | undefined;
}

const ADAPTER = "mongodb";
const TTL_REGISTRY = "_polystore_ttl";
const EXPORT_BATCH = 500;
const IMPORT_BATCH = 500;

/** Documents as stored: `_id` is always a string. */
interface StoredDoc extends Document {
  _id: string;
}

interface TtlEntry {
  _id: string;
  collection: string;
  name: string;
  field: string;
  expireAfterSeconds: number;
  native: boolean;
}

/** Plain JS values from what the driver returns (ObjectId, Long, Decimal128 become JSON). */
function fromBson(v: unknown): unknown {
  if (v === null || typeof v !== "object" || v instanceof Date) return v;
  if (Array.isArray(v)) return v.map(fromBson);
  const bsonType = (v as { _bsontype?: unknown })._bsontype;
  if (typeof bsonType === "string") {
    if (bsonType === "ObjectId") return (v as { toHexString(): string }).toHexString();
    if (["Decimal128", "Long", "Int32", "Double"].includes(bsonType)) return Number(String(v));
    return String(v);
  }
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) out[k] = fromBson(val);
  return out;
}

function prepare(input: NewDoc): Doc {
  const { id, rest } = splitNewDoc(input);
  encodeValue(rest, "document"); // validates: JSON values and Dates only, no "$" keys
  // A fresh copy: the driver must not hold on to (or add fields to) the caller's object.
  return { _id: id, ...cloneValue(rest) };
}

/**
 * Opens the MongoDB adapter. With `verify` (the default) it rejects with an `unavailable`
 * StoreError when the server does not answer a ping within the selection timeout.
 *
 * @example
 * const docs = await openMongoDocuments({ url: "mongodb://127.0.0.1:27017", db: "app", timeoutMs: 5000 });
 */
export async function openMongoDocuments(
  opts: MongoDocumentsOptions,
): Promise<MongoDocumentStore> {
  // Selection must give up before the per-call timeout, so a down server reads as unavailable.
  const selectMs = Math.max(200, Math.min(2_000, opts.timeoutMs - 200));
  let client: MongoClient;
  try {
    client = new MongoClient(opts.url, {
      serverSelectionTimeoutMS: selectMs,
      connectTimeoutMS: selectMs,
      socketTimeoutMS: opts.timeoutMs * 2,
      heartbeatFrequencyMS: 2_000,
      maxPoolSize: 20,
      appName: "polystore",
      ignoreUndefined: true,
    });
  } catch (err) {
    throw new StoreError("invalid", "documents", "bad MONGODB_URL", { cause: err });
  }
  const db: Db = client.db(opts.db);

  function call<T>(what: string, work: () => Promise<T>): Promise<T> {
    const run = (async () => {
      try {
        return await work();
      } catch (err) {
        throw mapMongoError(err);
      }
    })();
    return withTimeout("documents", opts.timeoutMs, run, what);
  }

  let server: MongoServerInfo | undefined;
  if (opts.verify !== false) {
    try {
      await call("connect", async () => {
        await client.connect();
        await db.command({ ping: 1 });
        const info = await db.admin().command({ buildInfo: 1 });
        server = typeof info.ferretdbVersion === "string"
          ? { product: "ferretdb", version: info.ferretdbVersion }
          : { product: "mongodb", version: String(info.version) };
      });
    } catch (err) {
      await client.close(true).catch(() => {});
      throw err;
    }
  }

  const registry = () => db.collection<TtlEntry>(TTL_REGISTRY);

  function sweepExpired(now = new Date()): Promise<number> {
    return call("sweep", async () => {
      let deleted = 0;
      for (const entry of await registry().find({}).toArray()) {
        const cutoff = new Date(now.getTime() - entry.expireAfterSeconds * 1000);
        const r = await db.collection(entry.collection).deleteMany({
          [entry.field]: { $lt: cutoff },
        });
        deleted += r.deletedCount;
      }
      return deleted;
    });
  }

  const interval = opts.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
  const stopSweeper = interval > 0 ? startSweeper(interval, sweepExpired) : () => {};

  function collection(name: string): Collection {
    validateCollectionName(name);
    const coll = db.collection<StoredDoc>(name);
    const mf = (f: Record<string, unknown>) => f as MFilter<StoredDoc>;

    async function insert(docs: Doc[]): Promise<Doc[]> {
      if (docs.length === 0) return [];
      // The driver may add fields to what it sends, so it gets copies; callers get theirs.
      await call(
        "insert",
        () => coll.insertMany(docs.map((d) => cloneValue(d) as StoredDoc), { ordered: true }),
      );
      return docs;
    }

    async function update(filter: Filter, upd: Update, one: boolean): Promise<UpdateResult> {
      const f = mf(toMongoFilter(parseFilter(filter)));
      const u = toMongoUpdate(parseUpdate(upd));
      const r = await call(
        "update",
        () => (one ? coll.updateOne(f, u) : coll.updateMany(f, u)),
      );
      return { matched: r.matchedCount, modified: r.modifiedCount };
    }

    return {
      name,
      async insertOne(doc: NewDoc): Promise<Doc> {
        const [inserted] = await insert([prepare(doc)]);
        return inserted;
      },
      async insertMany(docs: readonly NewDoc[]): Promise<Doc[]> {
        if (!Array.isArray(docs)) {
          throw new StoreError("invalid", "documents", "insertMany needs an array");
        }
        return await insert(docs.map(prepare));
      },
      async findOne(filter: Filter): Promise<Doc | null> {
        const f = mf(toMongoFilter(parseFilter(filter)));
        const doc = await call("findOne", () => coll.findOne(f));
        return doc === null ? null : fromBson(doc) as Doc;
      },
      async find(filter: Filter, options: FindOptions = {}): Promise<Page<Doc>> {
        const sort = parseSort(options.sort);
        const limit = parseLimit(options.limit);
        let f = toMongoFilter(parseFilter(filter));
        if (options.cursor !== undefined && options.cursor !== null) {
          const after = mongoAfter(sort, decodeCursor(options.cursor, sort));
          f = Object.keys(f).length === 0 ? after : { $and: [f, after] };
        }
        const docs = await call(
          "find",
          () => coll.find(mf(f), { sort: toMongoSort(sort), limit: limit + 1 }).toArray(),
        );
        const items = docs.slice(0, limit).map((d) => fromBson(d) as Doc);
        const more = docs.length > limit;
        return { items, next_cursor: more ? encodeCursor(sort, items[items.length - 1]) : null };
      },
      updateOne: (filter, upd) => update(filter, upd, true),
      updateMany: (filter, upd) => update(filter, upd, false),
      async deleteOne(filter: Filter): Promise<number> {
        const f = mf(toMongoFilter(parseFilter(filter)));
        return (await call("delete", () => coll.deleteOne(f))).deletedCount;
      },
      async deleteMany(filter: Filter): Promise<number> {
        const f = mf(toMongoFilter(parseFilter(filter)));
        return (await call("delete", () => coll.deleteMany(f))).deletedCount;
      },
      async count(filter?: Filter): Promise<number> {
        const f = mf(toMongoFilter(parseFilter(filter)));
        return await call("count", () => coll.countDocuments(f));
      },
      async createIndex(spec: IndexSpec): Promise<void> {
        const index = parseIndexSpec(spec);
        const keys: Record<string, 1 | -1> = {};
        for (const k of index.keys) keys[k.path] = k.dir;
        const base = { name: index.name, ...(index.unique ? { unique: true } : {}) };
        await call("createIndex", async () => {
          if (index.expireAfterSeconds === undefined) {
            await coll.createIndex(keys, base);
            return;
          }
          let native = true;
          try {
            await coll.createIndex(keys, { ...base, expireAfterSeconds: index.expireAfterSeconds });
          } catch (err) {
            if (!isNotImplemented(err)) throw err;
            native = false;
            await coll.createIndex(keys, base);
          }
          const entry: TtlEntry = {
            // "$" cannot occur in a collection name; NUL (the old separator) cannot be stored by
            // FerretDB on PostgreSQL (jsonb refuses \u0000).
            _id: `${name}$${index.name}`,
            collection: name,
            name: index.name,
            field: index.keys[0].path,
            expireAfterSeconds: index.expireAfterSeconds,
            native,
          };
          await registry().replaceOne({ _id: entry._id }, entry, { upsert: true });
        });
      },
      async *exportNdjson(): AsyncIterable<string> {
        let after: string | undefined;
        while (true) {
          const f: MFilter<StoredDoc> = after === undefined ? {} : { _id: { $gt: after } };
          const docs = await call(
            "export",
            () => coll.find(f, { sort: { _id: 1 }, limit: EXPORT_BATCH }).toArray(),
          );
          for (const d of docs) yield toNdjsonLine(fromBson(d) as Doc);
          if (docs.length < EXPORT_BATCH) return;
          after = String(docs[docs.length - 1]._id);
        }
      },
      async importNdjson(lines: AsyncIterable<string>): Promise<number> {
        let n = 0;
        for await (const batch of ndjsonBatches(lines, IMPORT_BATCH)) {
          n += (await insert(batch.map(prepare))).length;
        }
        return n;
      },
    };
  }

  return {
    adapter: ADAPTER,
    get server() {
      return server;
    },
    collection,
    async listCollections(): Promise<string[]> {
      const infos = await call(
        "listCollections",
        () => db.listCollections({}, { nameOnly: true }).toArray(),
      );
      return infos.map((i) => i.name)
        .filter((n) => !n.startsWith("_polystore") && !n.startsWith("system."))
        .sort();
    },
    async dropCollection(name: string): Promise<void> {
      validateCollectionName(name);
      await call("dropCollection", async () => {
        await db.collection(name).drop().catch((err) => {
          // Dropping a collection that does not exist is not an error here.
          if ((err as { codeName?: string }).codeName !== "NamespaceNotFound") throw err;
        });
        await registry().deleteMany({ collection: name });
      });
    },
    async setValidator(name: string, jsonSchema: Record<string, unknown>): Promise<boolean> {
      validateCollectionName(name);
      const options = { validator: { $jsonSchema: jsonSchema }, validationLevel: "strict" };
      const codeName = (err: unknown) => (err as { codeName?: string }).codeName;
      return await call("setValidator", async () => {
        for (let tries = 0; tries < 2; tries++) {
          try {
            await db.command({ collMod: name, ...options });
            return true;
          } catch (err) {
            if (isNotImplemented(err)) return false;
            if (codeName(err) !== "NamespaceNotFound") throw err;
          }
          try {
            await db.createCollection(name, options);
            return true;
          } catch (err) {
            if (isNotImplemented(err)) return false;
            if (codeName(err) !== "NamespaceExists") throw err; // created meanwhile: collMod again
          }
        }
        return false;
      });
    },
    health: (): Promise<StoreHealth> =>
      measureHealth(ADAPTER, () => call("ping", () => db.command({ ping: 1 }))),
    sweepExpired,
    async close(): Promise<void> {
      stopSweeper();
      await client.close();
    },
  };
}

/**
 * Drops a whole database on the server (bench and test set-up: a run that must start from
 * nothing). Not part of the port: the API never drops a database.
 */
export async function dropMongoDatabase(url: string, name: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
