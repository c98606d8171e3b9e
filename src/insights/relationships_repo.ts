/**
 * Relationship rows (`insight_relationships`): the source of truth of the graph's RELATES_TO
 * edges. Every change bumps the row's version and records an outbox row in the same transaction.
 * @module
 */
import type { Queryable } from "../stores/relational/port.ts";
import { recordOutbox } from "./outbox.ts";
import type { Relationship } from "./schemas.ts";

export interface RelationshipRow {
  id: string;
  source_id: string;
  target_id: string;
  owner_id: string;
  type: string;
  strength: number;
  origin: Relationship["origin"];
  version: number;
  created_at: Date;
  deleted_at: Date | null;
}

const COLUMNS =
  "id, source_id, target_id, owner_id, type, strength, origin, version::int as version, created_at, deleted_at";

export function relationshipToApi(r: RelationshipRow): Relationship {
  return {
    id: r.id,
    source_id: r.source_id,
    target_id: r.target_id,
    type: r.type,
    strength: Number(r.strength),
    origin: r.origin,
    created_at: new Date(r.created_at).toISOString(),
  };
}

export async function getRelationship(db: Queryable, id: string): Promise<RelationshipRow | null> {
  const r = await db.query<RelationshipRow & Record<string, unknown>>(
    `select ${COLUMNS} from insight_relationships where id = $1`,
    [id],
    { name: "insight_rel_get" },
  );
  return r.rows[0] ?? null;
}

/** The rows of `ids` (live or not) by id. */
export async function relationshipsByIds(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, RelationshipRow>> {
  if (ids.length === 0) return new Map();
  const r = await db.query<RelationshipRow & Record<string, unknown>>(
    `select ${COLUMNS} from insight_relationships where id = any($1::uuid[])`,
    [ids],
    { name: "insight_rel_get_many" },
  );
  return new Map(r.rows.map((row) => [String(row.id), row]));
}

/** Live relationships touching the insight, strongest first. */
export async function relationshipsOf(
  db: Queryable,
  insightId: string,
): Promise<RelationshipRow[]> {
  const r = await db.query<RelationshipRow & Record<string, unknown>>(
    `select ${COLUMNS} from insight_relationships
      where deleted_at is null and (source_id = $1 or target_id = $1)
      order by strength desc, id`,
    [insightId],
    { name: "insight_rel_of" },
  );
  return r.rows;
}

/** The live relationship between two insights in either direction, if any. */
export async function linkBetween(
  db: Queryable,
  a: string,
  b: string,
): Promise<RelationshipRow | null> {
  const r = await db.query<RelationshipRow & Record<string, unknown>>(
    `select ${COLUMNS} from insight_relationships
      where deleted_at is null
        and ((source_id = $1 and target_id = $2) or (source_id = $2 and target_id = $1))
      limit 1`,
    [a, b],
  );
  return r.rows[0] ?? null;
}

export interface NewRelationship {
  source_id: string;
  target_id: string;
  owner_id: string;
  type: string;
  strength: number;
  origin: Relationship["origin"];
}

/** Inserts a relationship and its outbox row (inside `tx`). */
export async function insertRelationship(
  tx: Queryable,
  rel: NewRelationship,
): Promise<RelationshipRow> {
  const r = await tx.query<RelationshipRow & Record<string, unknown>>(
    `insert into insight_relationships (source_id, target_id, owner_id, type, strength, origin)
     values ($1, $2, $3, $4, $5, $6) returning ${COLUMNS}`,
    [rel.source_id, rel.target_id, rel.owner_id, rel.type, rel.strength, rel.origin],
    { name: "insight_rel_insert" },
  );
  const row = r.rows[0];
  await recordOutbox(tx, "relationship", row.id, row.version);
  return row;
}

/**
 * Inserts an auto relationship unless the pair is already linked (either way, possibly by a
 * worker processing the other end right now); returns null then.
 */
export async function insertAutoRelationship(
  tx: Queryable,
  rel: NewRelationship,
): Promise<RelationshipRow | null> {
  const r = await tx.query<RelationshipRow & Record<string, unknown>>(
    `insert into insight_relationships (source_id, target_id, owner_id, type, strength, origin)
     values ($1, $2, $3, $4, $5, 'auto')
     on conflict ((least(source_id, target_id)), (greatest(source_id, target_id)))
       where deleted_at is null do nothing
     returning ${COLUMNS}`,
    [rel.source_id, rel.target_id, rel.owner_id, rel.type, rel.strength],
    { name: "insight_rel_insert_auto" },
  );
  const row = r.rows[0];
  if (row) await recordOutbox(tx, "relationship", row.id, row.version);
  return row ?? null;
}

/** Sets an auto relationship's strength (bumping its version) and records the outbox row. */
export async function updateStrength(tx: Queryable, id: string, strength: number): Promise<void> {
  const r = await tx.query<{ version: number }>(
    `update insight_relationships set strength = $2, version = version + 1, updated_at = now()
      where id = $1 and deleted_at is null returning version::int as version`,
    [id, strength],
  );
  if (r.rows[0]) await recordOutbox(tx, "relationship", id, r.rows[0].version);
}

/** Soft-deletes the relationships matching `where` (ids given) and records their outbox rows. */
export async function softDeleteRelationships(tx: Queryable, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const r = await tx.query<RelationshipRow & Record<string, unknown>>(
    `update insight_relationships set deleted_at = now(), version = version + 1, updated_at = now()
      where id = any($1::uuid[]) and deleted_at is null returning ${COLUMNS}`,
    [ids],
  );
  for (const row of r.rows) await recordOutbox(tx, "relationship", row.id, row.version);
  return r.rows;
}

/** Soft-deletes every live relationship touching `insightId` (the insight is being deleted). */
export async function detachInsight(tx: Queryable, insightId: string): Promise<number> {
  const r = await tx.query<{ id: string }>(
    `select id from insight_relationships
      where deleted_at is null and (source_id = $1 or target_id = $1)`,
    [insightId],
  );
  const rows = await softDeleteRelationships(tx, r.rows.map((x) => x.id));
  return rows.length;
}

/** Every live relationship (for the consistency check). */
export async function liveRelationships(
  db: Queryable,
): Promise<{ id: string; source_id: string; target_id: string; version: number }[]> {
  const r = await db.query<{ id: string; source_id: string; target_id: string; version: number }>(
    `select id, source_id, target_id, version::int as version
       from insight_relationships where deleted_at is null`,
  );
  return r.rows;
}
