/**
 * The insights API's shapes at the edge (bodies, query strings, answers), as zod schemas from which
 * the OpenAPI document and the TypeScript types are both derived.
 * @module
 */
import { z } from "@hono/zod-openapi";
import {
  isoDate,
  isoDateTime,
  NO_NUL,
  noNulMessage,
  PageQuery,
  trimmedText,
  WHITE_SPACE,
} from "../shared/openapi.ts";

export const INSIGHT_STATUSES = ["pending", "processing", "processed", "failed"] as const;
export const MAX_BODY_CHARS = 20_000;

/** A tag as given: no commas, no whitespace at either end (refused, not trimmed). */
const Tag = z.string().min(1).max(50).regex(
  new RegExp(`^[^${WHITE_SPACE},\\u0000](?:[^,\\u0000]*[^${WHITE_SPACE},\\u0000])?$`),
  "no commas, no NUL, no spaces at either end",
);
const Source = trimmedText(50);

export const EntitySchema = z.object({
  type: z.enum(["person_or_org", "email", "url", "money", "date"]),
  text: z.string(),
});
export type Entity = z.infer<typeof EntitySchema>;

export const InsightSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  body: z.string(),
  tags: z.array(z.string()),
  source: z.string(),
  status: z.enum(INSIGHT_STATUSES),
  status_reason: z.string().nullable(),
  keywords: z.array(z.string()),
  entities: z.array(EntitySchema),
  owner_id: z.uuid(),
  company_id: z.uuid().nullable(),
  audio_key: z.string().nullable(),
  version: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("Insight");
export type Insight = z.infer<typeof InsightSchema>;

export const InsightCreateSchema = z.strictObject({
  title: trimmedText(200),
  body: z.string().max(MAX_BODY_CHARS).regex(NO_NUL, noNulMessage).default(""),
  tags: z.array(Tag).max(30).default([]),
  source: Source.default("manual"),
  company_id: z.uuid().nullable().optional(),
}).openapi("InsightCreate");
export type InsightCreate = z.infer<typeof InsightCreateSchema>;

/** PUT replaces the editable fields (missing optional ones take their defaults). */
export const InsightReplaceSchema = InsightCreateSchema.openapi("InsightReplace");

export const InsightPatchSchema = z.strictObject({
  title: trimmedText(200).optional(),
  body: z.string().max(MAX_BODY_CHARS).regex(NO_NUL, noNulMessage).optional(),
  tags: z.array(Tag).max(30).optional(),
  source: Source.optional(),
  company_id: z.uuid().nullable().optional(),
}).refine((p) => Object.keys(p).length > 0, "at least one field").openapi("InsightPatch");
export type InsightPatch = z.infer<typeof InsightPatchSchema>;

const IsoDateTime = isoDateTime().or(isoDate());

export const InsightListQuery = z.strictObject({
  ...PageQuery,
  // The documents port's cursors carry the sort values (a date and an id), longer than 200.
  cursor: z.string().max(2000).optional(),
  tag: Tag.optional(),
  status: z.enum(INSIGHT_STATUSES).optional(),
  source: Source.optional(),
  created_gte: IsoDateTime.optional(),
  created_lte: IsoDateTime.optional(),
  q: trimmedText(200).optional(),
});
export type InsightListQuery = z.infer<typeof InsightListQuery>;

export const InsightPageSchema = z.object({
  items: z.array(InsightSchema),
  next_cursor: z.string().nullable(),
}).openapi("InsightPage");

export const RELATIONSHIP_ORIGINS = ["auto", "manual", "suggestion"] as const;

export const RelationshipSchema = z.object({
  id: z.uuid(),
  source_id: z.uuid(),
  target_id: z.uuid(),
  type: z.string(),
  strength: z.number(),
  origin: z.enum(RELATIONSHIP_ORIGINS),
  created_at: z.string(),
}).openapi("Relationship");
export type Relationship = z.infer<typeof RelationshipSchema>;

export const RelationshipCreateSchema = z.strictObject({
  source_id: z.uuid(),
  target_id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "lower-case word, e.g. supports").default(
    "related",
  ),
  strength: z.number().min(0).max(1).default(0.5),
}).refine((r) => r.source_id !== r.target_id, {
  path: ["target_id"],
  message: "must differ from source_id",
}).openapi("RelationshipCreate");

export const RelationshipListSchema = z.object({
  items: z.array(RelationshipSchema),
}).openapi("RelationshipList");

export const MindmapQuery = z.strictObject({
  depth: z.coerce.number().int().min(1).max(3).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const MindmapNode = z.object({
  id: z.string(),
  kind: z.enum(["insight", "tag"]),
  label: z.string(),
  depth: z.number().int(),
});
const MindmapEdge = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.enum(["relates_to", "tagged"]),
  type: z.string().nullable(),
  strength: z.number().nullable(),
});
export const MindmapSchema = z.object({
  center: z.uuid(),
  nodes: z.array(MindmapNode),
  edges: z.array(MindmapEdge),
  truncated: z.boolean(),
  counts: z.object({ nodes: z.number().int(), edges: z.number().int() }),
}).openapi("Mindmap");
export type Mindmap = z.infer<typeof MindmapSchema>;

export const SuggestionQuery = z.strictObject({
  insight_id: z.uuid().optional(),
  q: trimmedText(200).optional(),
  min_score: z.coerce.number().min(0).max(1).default(0.1),
  limit: z.coerce.number().int().min(1).max(50).default(10),
}).refine((s) => (s.insight_id === undefined) !== (s.q === undefined), {
  path: ["insight_id"],
  message: "give exactly one of insight_id and q",
});

export const SuggestionSchema = z.object({
  id: z.string(),
  insight: InsightSchema,
  score: z.number(),
  parts: z.object({
    text: z.number(),
    tags: z.number(),
    entities: z.number(),
    graph: z.number(),
  }),
}).openapi("Suggestion");
export type Suggestion = z.infer<typeof SuggestionSchema>;

export const SuggestionListSchema = z.object({ items: z.array(SuggestionSchema) }).openapi(
  "SuggestionList",
);

export const SuggestionIdParam = z.object({
  id: z.string().regex(/^[0-9a-f-]{36}\.[0-9a-f-]{36}$/, "a suggestion id").openapi({
    param: { name: "id", in: "path" },
  }),
});

export const FeedbackSchema = z.strictObject({ decision: z.enum(["accept", "reject"]) });

export const FeedbackResultSchema = z.object({
  decision: z.enum(["accept", "reject"]),
  relationship: RelationshipSchema.nullable(),
}).openapi("SuggestionFeedback");

const Count = z.object({ key: z.string(), count: z.number().int() });
export const StatsSchema = z.object({
  total: z.number().int(),
  by_status: z.array(Count),
  by_tag: z.array(Count),
  by_source: z.array(Count),
  by_day: z.array(Count),
  top_keywords: z.array(Count),
  top_entities: z.array(Count),
  relationships: z.number().int(),
  graph: z.object({ nodes: z.number().int(), edges: z.number().int(), density: z.number() }),
  processing_lag_ms: z.object({ p50: z.number().nullable(), p99: z.number().nullable() }),
  suggestions: z.object({
    accepted: z.number().int(),
    rejected: z.number().int(),
    acceptance_rate: z.number().nullable(),
  }),
}).openapi("InsightStats");
export type Stats = z.infer<typeof StatsSchema>;

export const ConsistencyReportSchema = z.object({
  outbox_backlog: z.number().int(),
  oldest_outbox_age_ms: z.number().nullable(),
  missing_in_graph: z.array(z.string()),
  missing_in_documents: z.array(z.string()),
  version_mismatches: z.array(z.string()),
  drift: z.number().int(),
  checked_at: z.string(),
}).openapi("ConsistencyReport");
export type ConsistencyReport = z.infer<typeof ConsistencyReportSchema>;

export const RepairResultSchema = z.object({
  repaired: z.number().int(),
  report: ConsistencyReportSchema,
}).openapi("ConsistencyRepair");
export type RepairResult = z.infer<typeof RepairResultSchema>;
