/**
 * The `insights` collection's `$jsonSchema`, installed as a server validator where the server has
 * them (MongoDB) and enforced here, on every write through `insightsOf`, on both profiles (FerretDB
 * 1.x and the embedded JSONB adapter have no validators), so a bad document never gets stored.
 * @module
 */
import { StoreError } from "../stores/errors.ts";
import type { Collection, Doc, NewDoc, Update } from "../stores/documents/port.ts";
import { MAX_BODY_CHARS } from "./schemas.ts";

/** The subset of MongoDB's `$jsonSchema` keywords used below (and checked by `violations`). */
export interface JsonSchema {
  bsonType?: string | readonly string[];
  enum?: readonly unknown[];
  required?: readonly string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean;
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
}

const str = (minLength: number, maxLength: number): JsonSchema => ({
  bsonType: "string",
  minLength,
  maxLength,
});
const nullable = (bsonType: string, more: JsonSchema = {}): JsonSchema => ({
  bsonType: [bsonType, "null"],
  ...more,
});

/** What a stored insight must look like (documents.ts's `InsightDoc`). */
export const INSIGHT_JSON_SCHEMA: JsonSchema = {
  bsonType: "object",
  required: [
    "_id",
    "title",
    "body",
    "tags",
    "source",
    "status",
    "keywords",
    "entities",
    "owner_id",
    "version",
    "created_at",
    "updated_at",
  ],
  additionalProperties: false,
  properties: {
    _id: str(1, 100),
    title: str(1, 200),
    body: str(0, MAX_BODY_CHARS),
    tags: { bsonType: "array", maxItems: 30, items: str(1, 50) },
    source: str(1, 50),
    status: { enum: ["pending", "processing", "processed", "failed"] },
    status_reason: nullable("string", { maxLength: 500 }),
    keywords: { bsonType: "array", maxItems: 50, items: str(1, MAX_BODY_CHARS) },
    entities: {
      bsonType: "array",
      maxItems: 500,
      items: {
        bsonType: "object",
        required: ["type", "text"],
        additionalProperties: false,
        properties: {
          type: { enum: ["person_or_org", "email", "url", "money", "date"] },
          text: str(1, MAX_BODY_CHARS),
        },
      },
    },
    owner_id: str(1, 100),
    company_id: nullable("string"),
    audio_key: nullable("string"),
    version: { bsonType: ["int", "long"], minimum: 1 },
    created_at: { bsonType: "date" },
    updated_at: { bsonType: "date" },
    deleted_at: nullable("date"),
  },
};

function typeOk(t: string, v: unknown): boolean {
  switch (t) {
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "int":
    case "long":
      return Number.isInteger(v);
    case "double":
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "bool":
      return typeof v === "boolean";
    case "date":
      return v instanceof Date && !Number.isNaN(v.getTime());
    case "null":
      return v === null;
    default:
      return false;
  }
}

/** Where `value` breaks `schema` (`path: message`), empty when it conforms. */
export function violations(schema: JsonSchema, value: unknown, path = ""): string[] {
  const at = (m: string) => `${path || "(document)"}: ${m}`;
  if (schema.bsonType !== undefined) {
    const types = typeof schema.bsonType === "string" ? [schema.bsonType] : schema.bsonType;
    if (!types.some((t) => typeOk(t, value))) return [at(`must be ${types.join(" or ")}`)];
  }
  if (schema.enum && !schema.enum.includes(value)) {
    return [at(`must be one of ${schema.enum.join(", ")}`)];
  }
  const out: string[] = [];
  if (typeof value === "string") {
    const n = [...value].length;
    if (schema.minLength !== undefined && n < schema.minLength) out.push(at("too short"));
    if (schema.maxLength !== undefined && n > schema.maxLength) out.push(at("too long"));
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) {
    out.push(at(`must be at least ${schema.minimum}`));
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push(at(`at most ${schema.maxItems} items`));
    }
    if (schema.items) {
      value.forEach((v, i) => out.push(...violations(schema.items!, v, `${path}.${i}`)));
    }
  }
  if (typeOk("object", value)) {
    const obj = value as Record<string, unknown>;
    for (const k of schema.required ?? []) {
      if (!(k in obj)) out.push(`${path ? `${path}.${k}` : k}: is required`);
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k];
      const p = path ? `${path}.${k}` : k;
      if (sub) out.push(...violations(sub, v, p));
      else if (schema.additionalProperties === false) out.push(`${p}: not allowed`);
    }
  }
  return out;
}

function refuse(found: string[]): never {
  const field = found[0].split(/[.:]/)[0];
  throw new StoreError(
    "invalid",
    "documents",
    `document fails the collection's schema: ${found.slice(0, 5).join("; ")}`,
    { field },
  );
}

function checkDoc(schema: JsonSchema, doc: NewDoc) {
  const found = violations(schema, doc);
  if (found.length) refuse(found);
}

/** Checks an update's effect field by field (the subset the insight writes use: $set, $unset). */
function checkUpdate(schema: JsonSchema, update: Update) {
  const found: string[] = [];
  const known = (k: string) => schema.properties?.[k];
  for (const [op, fields] of Object.entries(update)) {
    for (const [k, v] of Object.entries(fields ?? {})) {
      const sub = known(k);
      if (k.includes(".") || k === "_id" || (!sub && schema.additionalProperties === false)) {
        found.push(`${k}: not a field that ${op} may change here`);
      } else if (op === "$set" && sub) found.push(...violations(sub, v, k));
      else if (op === "$unset" && schema.required?.includes(k)) found.push(`${k}: is required`);
      else if (op !== "$set" && op !== "$unset") found.push(`${k}: ${op} is not allowed here`);
    }
  }
  if (found.length) refuse(found);
}

/** `col` with every insert and update checked against `schema` first. */
export function validated(col: Collection, schema: JsonSchema): Collection {
  return {
    get name() {
      return col.name;
    },
    // Async, so a refusal is a rejected promise like any other store error.
    insertOne: async (doc: NewDoc): Promise<Doc> => {
      checkDoc(schema, doc);
      return await col.insertOne(doc);
    },
    insertMany: async (docs: readonly NewDoc[]): Promise<Doc[]> => {
      for (const d of docs) checkDoc(schema, d);
      return await col.insertMany(docs);
    },
    updateOne: async (filter, update) => {
      checkUpdate(schema, update);
      return await col.updateOne(filter, update);
    },
    updateMany: async (filter, update) => {
      checkUpdate(schema, update);
      return await col.updateMany(filter, update);
    },
    findOne: (f) => col.findOne(f),
    find: (f, o) => col.find(f, o),
    deleteOne: (f) => col.deleteOne(f),
    deleteMany: (f) => col.deleteMany(f),
    count: (f) => col.count(f),
    createIndex: (s) => col.createIndex(s),
    exportNdjson: () => col.exportNdjson(),
    // Restores (ops/backup) go to the store's own collection, not through this wrapper.
    importNdjson: (lines) => col.importNdjson(lines),
  };
}
