/**
 * Suggestions: the caller's readable insights ranked by how related they are to an insight (or to
 * a query), without those already linked or already judged, with the score's parts shown; and the
 * feedback on one (accept links the two, reject hides the pair from later suggestions).
 * @module
 */
import type { AuditActor } from "../audit/record.ts";
import { recordAudit } from "../audit/record.ts";
import { notFound, unprocessable } from "../errors.ts";
import { isStoreError } from "../stores/errors.ts";
import { type Caller, canWrite, readableFilter } from "./access.ts";
import { asInsightDoc, type InsightDoc, insightsOf, toApi } from "./documents.ts";
import { cosine, documentFrequencies, jaccard, tfidf, tokenize, topTerms } from "./nlp.ts";
import { insightNode } from "./projector.ts";
import { createRelationship } from "./relationships.ts";
import { relationshipsOf } from "./relationships_repo.ts";
import type { Relationship, Suggestion } from "./schemas.ts";
import { type InsightCtx, invalidateInsight, readInsight } from "./service.ts";

/** The id a query-only suggestion carries: there is no source insight to give feedback on. */
export const NO_SOURCE = "00000000-0000-0000-0000-000000000000";
const WEIGHTS = { text: 0.5, tags: 0.2, entities: 0.2, graph: 0.1 };
const CORPUS_LIMIT = 500;

const round = (x: number) => Math.round(x * 1000) / 1000;
const termsOf = (d: InsightDoc, fallback: string[]) => [
  ...(d.keywords.length ? d.keywords : fallback),
  ...d.entities.map((e) => e.text),
];

async function neighbourIds(ctx: InsightCtx, id: string): Promise<string[]> {
  try {
    const ns = await ctx.stores.graph.neighbours(insightNode(id), {
      depth: 1,
      types: ["RELATES_TO", "TAGGED"],
      limit: 200,
    });
    return ns.map((n) => `${n.node.label}:${n.node.id}`);
  } catch (err) {
    if (isStoreError(err, "not_found")) return [];
    throw err;
  }
}

export async function suggest(
  ctx: InsightCtx,
  caller: Caller,
  q: { insight_id?: string; q?: string; min_score: number; limit: number },
): Promise<Suggestion[]> {
  await ctx.ready();
  const page = await insightsOf(ctx.stores.documents).find(readableFilter(caller), {
    sort: { created_at: -1, _id: -1 },
    limit: CORPUS_LIMIT,
  });
  const corpus = page.items.map(asInsightDoc);
  const excluded = new Set<string>();
  let baseText: string;
  let base: InsightDoc | null = null;
  if (q.insight_id) {
    await readInsight(ctx, caller, q.insight_id);
    const raw = await insightsOf(ctx.stores.documents).findOne({ _id: q.insight_id });
    base = asInsightDoc(raw!);
    baseText = `${base.title}\n${base.body}`;
    excluded.add(base._id);
    for (const r of await relationshipsOf(ctx.stores.relational, base._id)) {
      excluded.add(r.source_id === base._id ? r.target_id : r.source_id);
    }
    const judged = await ctx.stores.relational.query<{ target_id: string }>(
      `select target_id from insight_suggestion_feedback where user_id = $1 and source_id = $2`,
      [caller.userId, base._id],
    );
    for (const r of judged.rows) excluded.add(r.target_id);
  } else {
    baseText = q.q ?? "";
  }
  const tokens = new Map(corpus.map((d) => [d._id, tokenize(`${d.title}\n${d.body}`)]));
  const baseTokens = tokenize(baseText);
  const df = documentFrequencies([...tokens.values(), ...(base ? [] : [baseTokens])]);
  const n = tokens.size + (base ? 0 : 1);
  const bv = tfidf(baseTokens, df, n);
  const baseTerms = base ? termsOf(base, topTerms(bv, 8)) : baseTokens;
  const scored = corpus.filter((d) => !excluded.has(d._id)).map((d) => {
    const v = tfidf(tokens.get(d._id)!, df, n);
    const parts = {
      text: round(cosine(bv, v)),
      tags: round(base ? jaccard(base.tags, d.tags) : 0),
      entities: round(jaccard(baseTerms, termsOf(d, topTerms(v, 8)))),
      graph: 0,
    };
    return { d, parts };
  });
  const total = (p: Suggestion["parts"]) =>
    round(
      WEIGHTS.text * p.text + WEIGHTS.tags * p.tags + WEIGHTS.entities * p.entities +
        WEIGHTS.graph * p.graph,
    );
  scored.sort((a, b) => total(b.parts) - total(a.parts));
  // Graph proximity (shared neighbours) for the best few only: one traversal each.
  const top = scored.slice(0, q.limit * 3);
  if (base) {
    const mine = await neighbourIds(ctx, base._id);
    for (const s of top) {
      s.parts.graph = round(jaccard(mine, await neighbourIds(ctx, s.d._id)));
    }
  }
  return top
    .map((s) => ({
      id: `${base?._id ?? NO_SOURCE}.${s.d._id}`,
      insight: toApi(s.d),
      score: total(s.parts),
      parts: s.parts,
    }))
    .filter((s) => s.score >= q.min_score)
    .sort((a, b) => b.score - a.score || (a.insight.id < b.insight.id ? -1 : 1))
    .slice(0, q.limit);
}

/** Records the caller's verdict on a suggestion; accepting links the two insights. */
export async function feedback(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  suggestionId: string,
  decision: "accept" | "reject",
): Promise<{ decision: "accept" | "reject"; relationship: Relationship | null }> {
  const [sourceId, targetId] = suggestionId.split(".");
  if (sourceId === NO_SOURCE) {
    throw unprocessable("A suggestion for a query has no source insight to judge", [
      { path: "id", message: "suggestion of an insight required" },
    ]);
  }
  const source = await readInsight(ctx, caller, sourceId);
  const target = await readInsight(ctx, caller, targetId);
  if (!canWrite(caller, source) || !canWrite(caller, target)) throw notFound("No such insight");
  await ctx.stores.relational.transaction(async (tx) => {
    await tx.query(
      `insert into insight_suggestion_feedback (user_id, source_id, target_id, decision)
       values ($1, $2, $3, $4)
       on conflict (user_id, source_id, target_id) do update set decision = excluded.decision,
         created_at = now()`,
      [caller.userId, sourceId, targetId, decision],
    );
    await recordAudit(tx, actor, {
      action: decision,
      resourceType: "insight_suggestions",
      resourceId: sourceId,
      newValues: { source_id: sourceId, target_id: targetId, decision },
    });
  });
  await invalidateInsight(ctx, { _id: sourceId, owner_id: caller.userId });
  if (decision === "reject") return { decision, relationship: null };
  const relationship = await createRelationship(ctx, caller, actor, {
    source_id: sourceId,
    target_id: targetId,
    type: "related",
    strength: 0.5,
  }, "suggestion");
  return { decision, relationship };
}
