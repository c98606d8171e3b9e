/**
 * The caller's insight statistics: counts by status, tag, source and day, top keywords and
 * entities, relationships, graph size and density, processing lag and suggestion acceptance.
 * Cached per owner for a minute and dropped on each of the owner's writes.
 * @module
 */
import { asInsightDoc, insightsOf } from "./documents.ts";
import { processingLag } from "./queue.ts";
import { type Stats, StatsSchema } from "./schemas.ts";
import { type InsightCtx, statsNamespace } from "./service.ts";

export const STATS_TTL_MS = 60_000;
const SCAN_LIMIT = 1000;

function top(counts: Map<string, number>, k = 10) {
  return [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, k)
    .map(([key, count]) => ({ key, count }));
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

async function load(ctx: InsightCtx, ownerId: string): Promise<Stats> {
  const col = insightsOf(ctx.stores.documents);
  const byStatus = new Map<string, number>();
  const byTag = new Map<string, number>();
  const bySource = new Map<string, number>();
  const byDay = new Map<string, number>();
  const keywords = new Map<string, number>();
  const entities = new Map<string, number>();
  let total = 0;
  let cursor: string | undefined;
  do {
    const page = await col.find({ owner_id: ownerId, deleted_at: null }, {
      sort: { _id: 1 },
      limit: SCAN_LIMIT,
      cursor,
    });
    for (const raw of page.items) {
      const d = asInsightDoc(raw);
      total++;
      bump(byStatus, d.status);
      bump(bySource, d.source);
      bump(byDay, d.created_at.toISOString().slice(0, 10));
      for (const t of d.tags) bump(byTag, t);
      for (const k of d.keywords) bump(keywords, k);
      for (const e of d.entities) bump(entities, `${e.type}:${e.text}`);
    }
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  const db = ctx.stores.relational;
  const rels = await db.query<{ n: string }>(
    `select count(*)::text as n from insight_relationships where owner_id = $1 and deleted_at is null`,
    [ownerId],
  );
  const fb = await db.query<{ decision: string; n: string }>(
    `select decision, count(*)::text as n from insight_suggestion_feedback where user_id = $1
      group by decision`,
    [ownerId],
  );
  const accepted = Number(fb.rows.find((r) => r.decision === "accept")?.n ?? 0);
  const rejected = Number(fb.rows.find((r) => r.decision === "reject")?.n ?? 0);
  const graph = await ctx.stores.graph.counts();
  const days = [...byDay].sort((a, b) => (a[0] < b[0] ? 1 : -1)).slice(0, 30)
    .map(([key, count]) => ({ key, count }));
  return {
    total,
    by_status: top(byStatus, 10),
    by_tag: top(byTag, 50),
    by_source: top(bySource, 50),
    by_day: days,
    top_keywords: top(keywords),
    top_entities: top(entities),
    relationships: Number(rels.rows[0].n),
    graph: {
      nodes: graph.nodes,
      edges: graph.edges,
      density: graph.nodes > 1 ? graph.edges / (graph.nodes * (graph.nodes - 1)) : 0,
    },
    processing_lag_ms: await processingLag(db, ownerId),
    suggestions: {
      accepted,
      rejected,
      acceptance_rate: accepted + rejected > 0 ? accepted / (accepted + rejected) : null,
    },
  };
}

export async function statsFor(ctx: InsightCtx, ownerId: string) {
  return await ctx.cached.get(
    statsNamespace(ownerId),
    `${statsNamespace(ownerId)}:all`,
    STATS_TTL_MS,
    StatsSchema,
    () => load(ctx, ownerId),
  );
}
