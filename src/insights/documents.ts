/**
 * Insight documents in the `insights` collection: their stored shape, the mapping to the API shape,
 * and the indexes every list filter needs (created idempotently, once per app).
 * @module
 */
import type { Collection, Doc, DocumentStore } from "../stores/documents/port.ts";
import { INSIGHT_JSON_SCHEMA, validated } from "./insight_schema.ts";
import type { Entity, Insight } from "./schemas.ts";

export const INSIGHTS = "insights";

/** An insight as stored: dates are Dates, `deleted_at` marks a soft delete. */
export interface InsightDoc {
  _id: string;
  title: string;
  body: string;
  tags: string[];
  source: string;
  status: Insight["status"];
  status_reason: string | null;
  keywords: string[];
  entities: Entity[];
  owner_id: string;
  company_id: string | null;
  audio_key: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

/** The collection, every write checked against its `$jsonSchema` (insight_schema.ts). */
export const insightsOf = (docs: DocumentStore): Collection =>
  validated(docs.collection(INSIGHTS), INSIGHT_JSON_SCHEMA);

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));

/** A stored document read back, typed (missing arrays read as empty). */
export function asInsightDoc(d: Doc): InsightDoc {
  return {
    _id: d._id,
    title: String(d.title ?? ""),
    body: String(d.body ?? ""),
    tags: Array.isArray(d.tags) ? d.tags.map(String) : [],
    source: String(d.source ?? "manual"),
    status: (d.status ?? "pending") as Insight["status"],
    status_reason: (d.status_reason as string | null | undefined) ?? null,
    keywords: Array.isArray(d.keywords) ? d.keywords.map(String) : [],
    entities: Array.isArray(d.entities) ? d.entities as Entity[] : [],
    owner_id: String(d.owner_id),
    company_id: (d.company_id as string | null | undefined) ?? null,
    audio_key: (d.audio_key as string | null | undefined) ?? null,
    version: Number(d.version ?? 0),
    created_at: d.created_at instanceof Date ? d.created_at : new Date(String(d.created_at)),
    updated_at: d.updated_at instanceof Date ? d.updated_at : new Date(String(d.updated_at)),
    deleted_at: d.deleted_at instanceof Date ? d.deleted_at : null,
  };
}

export function toApi(d: InsightDoc): Insight {
  return {
    id: d._id,
    title: d.title,
    body: d.body,
    tags: d.tags,
    source: d.source,
    status: d.status,
    status_reason: d.status_reason,
    keywords: d.keywords,
    entities: d.entities,
    owner_id: d.owner_id,
    company_id: d.company_id,
    audio_key: d.audio_key,
    version: d.version,
    created_at: iso(d.created_at),
    updated_at: iso(d.updated_at),
  };
}

/** One index per list filter, each led by the owner (every list is scoped to one) or company. */
export const INSIGHT_INDEXES = [
  { name: "insights_owner_created", keys: { owner_id: 1, created_at: -1 } },
  { name: "insights_owner_tags", keys: { owner_id: 1, tags: 1 } },
  { name: "insights_owner_status", keys: { owner_id: 1, status: 1 } },
  { name: "insights_owner_source", keys: { owner_id: 1, source: 1 } },
  { name: "insights_company_created", keys: { company_id: 1, created_at: -1 } },
  { name: "insights_created", keys: { created_at: -1 } },
] as const;

/**
 * Creates the insight indexes (idempotent: creating an existing index is a no-op) and installs the
 * schema as a server validator where the server has them. Returns whether the server validates too
 * (the app checks every write either way).
 */
export async function ensureInsightIndexes(docs: DocumentStore): Promise<boolean> {
  const col = insightsOf(docs);
  for (const spec of INSIGHT_INDEXES) {
    await col.createIndex({ name: spec.name, keys: { ...spec.keys } });
  }
  if (!docs.setValidator) return false;
  const schema = INSIGHT_JSON_SCHEMA as Record<string, unknown>;
  return await docs.setValidator(INSIGHTS, schema).catch(() => false);
}

/** Returns a function that runs `ensureInsightIndexes` once (retrying after a failure). */
export function indexesOnce(docs: DocumentStore): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= ensureInsightIndexes(docs).then(() => {}, (err) => {
      done = undefined;
      throw err;
    });
    return done;
  };
}
