/**
 * Relationship and mind map services: manual links between two of the caller's insights (row,
 * outbox row and audit row in one transaction), listing an insight's links, and the mind map drawn
 * from the graph port (insights and tags within 1..3 hops), cut to what the caller may read.
 * @module
 */
import type { AuditActor } from "../audit/record.ts";
import { recordAudit } from "../audit/record.ts";
import { conflict, notFound } from "../errors.ts";
import { isStoreError } from "../stores/errors.ts";
import { type Caller, canRead, canWrite, isAdmin } from "./access.ts";
import { insightNode } from "./projector.ts";
import {
  getRelationship,
  insertRelationship,
  linkBetween,
  relationshipsOf,
  relationshipToApi,
  softDeleteRelationships,
} from "./relationships_repo.ts";
import type { Mindmap, Relationship } from "./schemas.ts";
import { type InsightCtx, invalidateInsight, loadInsight, readInsight } from "./service.ts";
import { wakesOf } from "./wake.ts";

/** Live links of an insight the caller may read, whose other end the caller may read too. */
export async function listRelationships(
  ctx: InsightCtx,
  caller: Caller,
  insightId: string,
): Promise<Relationship[]> {
  await readInsight(ctx, caller, insightId);
  const out: Relationship[] = [];
  for (const r of await relationshipsOf(ctx.stores.relational, insightId)) {
    const other = await loadInsight(ctx, r.source_id === insightId ? r.target_id : r.source_id);
    if (other && canRead(caller, other)) out.push(relationshipToApi(r));
  }
  return out;
}

export async function createRelationship(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  input: { source_id: string; target_id: string; type: string; strength: number },
  origin: Relationship["origin"] = "manual",
): Promise<Relationship> {
  const ends = await Promise.all(
    [input.source_id, input.target_id].map((id) => loadInsight(ctx, id)),
  );
  for (const end of ends) {
    if (!end || !canRead(caller, end) || !canWrite(caller, end)) {
      throw notFound("No such insight (both ends must be insights you own)");
    }
  }
  const row = await ctx.stores.relational.transaction(async (tx) => {
    if (await linkBetween(tx, input.source_id, input.target_id)) {
      throw conflict("These insights are already linked");
    }
    const row = await insertRelationship(tx, {
      ...input,
      owner_id: ends[0]!.owner_id,
      origin,
    });
    await recordAudit(tx, actor, {
      action: "create",
      resourceType: "insight_relationships",
      resourceId: row.id,
      newValues: relationshipToApi(row),
    });
    return row;
  });
  wakesOf(ctx.stores.relational).projector.notify();
  await invalidateInsight(ctx, { _id: input.source_id, owner_id: row.owner_id });
  return relationshipToApi(row);
}

export async function deleteRelationship(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  id: string,
): Promise<void> {
  const row = await getRelationship(ctx.stores.relational, id);
  if (!row || row.deleted_at !== null || (row.owner_id !== caller.userId && !isAdmin(caller))) {
    throw notFound("No such relationship");
  }
  await ctx.stores.relational.transaction(async (tx) => {
    const gone = await softDeleteRelationships(tx, [id]);
    if (gone.length === 0) throw notFound("No such relationship");
    await recordAudit(tx, actor, {
      action: "delete",
      resourceType: "insight_relationships",
      resourceId: id,
      oldValues: relationshipToApi(row),
    });
  });
  wakesOf(ctx.stores.relational).projector.notify();
  await invalidateInsight(ctx, { _id: row.source_id, owner_id: row.owner_id });
}

const str = (v: unknown) => (typeof v === "string" ? v : null);

/** The mind map around an insight: readable insights and their tags within `depth` hops. */
export async function mindmap(
  ctx: InsightCtx,
  caller: Caller,
  insightId: string,
  depth: number,
  limit: number,
): Promise<Mindmap> {
  const center = await readInsight(ctx, caller, insightId);
  let sub;
  try {
    sub = await ctx.stores.graph.subgraph(insightNode(insightId), {
      depth,
      limit: Math.min(1000, limit + 1),
      types: ["RELATES_TO", "TAGGED"],
    });
  } catch (err) {
    // Not projected yet: the map is the insight alone.
    if (!isStoreError(err, "not_found")) throw err;
    sub = { nodes: [], edges: [] };
  }
  const keyOf = (n: { label: string; id: string }) => n.label === "Tag" ? `tag:${n.id}` : n.id;
  const truncated = sub.nodes.length > limit;
  const nodes: Mindmap["nodes"] = [];
  const kept = new Set<string>();
  for (const n of sub.nodes.slice(0, limit)) {
    if (n.label === "Insight") {
      const owner = str(n.props.owner_id) ?? "";
      const company = str(n.props.company_id);
      if (n.id !== insightId && !canRead(caller, { owner_id: owner, company_id: company })) {
        continue;
      }
      nodes.push({ id: n.id, kind: "insight", label: str(n.props.title) ?? "", depth: 0 });
    } else if (n.label === "Tag") {
      nodes.push({ id: `tag:${n.id}`, kind: "tag", label: str(n.props.name) ?? n.id, depth: 0 });
    } else continue;
    kept.add(keyOf(n));
  }
  if (nodes.length === 0) {
    nodes.push({ id: insightId, kind: "insight", label: center.title, depth: 0 });
    kept.add(insightId);
  }
  const edges: Mindmap["edges"] = sub.edges
    .filter((e) => kept.has(keyOf(e.from)) && kept.has(keyOf(e.to)))
    .map((e) =>
      e.type === "RELATES_TO"
        ? {
          from: e.from.id,
          to: e.to.id,
          kind: "relates_to" as const,
          type: str(e.props.type),
          strength: typeof e.props.strength === "number" ? e.props.strength : null,
        }
        : {
          from: e.from.id,
          to: `tag:${e.to.id}`,
          kind: "tagged" as const,
          type: null,
          strength: null,
        }
    );
  // Hop counts from the center over the kept edges (breadth first).
  const hops = new Map<string, number>([[insightId, 0]]);
  for (let d = 0; d < depth; d++) {
    for (const e of edges) {
      const a = hops.get(e.from), b = hops.get(e.to);
      if (a === d && b === undefined) hops.set(e.to, d + 1);
      if (b === d && a === undefined) hops.set(e.from, d + 1);
    }
  }
  for (const n of nodes) n.depth = hops.get(n.id) ?? depth;
  return {
    center: insightId,
    nodes,
    edges,
    truncated,
    counts: { nodes: nodes.length, edges: edges.length },
  };
}
