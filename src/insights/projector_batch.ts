/**
 * The projector's fast path: a whole batch of due aggregates in a few round trips. Relationship
 * rows are read with one query, and every node and edge upsert of the batch goes through the graph
 * port's batch import (one UNWIND per label or edge type on Neo4j, one set-based insert embedded).
 * What the fast path does not cover (deletions, a document behind its outbox row, a node projected
 * before nodes kept their tags, a failed import) is handed back for the one-by-one path, which has
 * the retries and repairs; a row whose document this instance is still writing waits.
 * @module
 */
import { edgeLine, nodeLine } from "../stores/graph/ndjson.ts";
import type { GraphEdge, GraphNode, Props } from "../stores/graph/port.ts";
import type { Stores } from "../stores/types.ts";
import { asInsightDoc, type InsightDoc, insightsOf } from "./documents.ts";
import { graphTags, insightNode, insightProps, tagNode, userNode } from "./graph_shape.ts";
import type { Outcome, PendingAggregate } from "./outbox.ts";
import { relationshipsByIds } from "./relationships_repo.ts";
import { writing, writtenAt } from "./written.ts";

type Stored = Pick<Stores, "documents" | "graph" | "relational">;

/** What a batch did; an aggregate in neither list waits for a later pass (its lease is released). */
export interface BatchResult {
  /** Projected (or found stale): their outbox rows can be marked done. */
  done: { agg: PendingAggregate; outcome: Outcome }[];
  /** For the one-by-one path. */
  slow: PendingAggregate[];
}

/** Runs `work` over `items`, at most `n` at once. */
async function inParallel<T>(items: readonly T[], n: number, work: (t: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** Props without the nulls that would remove nothing (the node has no value there). */
function withoutIdleNulls(props: Props, before: GraphNode | null): Props {
  const out: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (v !== null || (before && before.props[k] !== undefined && before.props[k] !== null)) {
      out[k] = v;
    }
  }
  return out;
}

/**
 * The aggregates' documents: as this instance just wrote them when it did (at the outbox's
 * version), else one `findOne` each, a few at once (FerretDB 1.x cannot push an `$in` down and
 * decodes the whole collection for it, while an `_id` equality runs in its backend).
 */
async function insightDocs(
  stores: Stored,
  aggs: readonly PendingAggregate[],
  concurrency: number,
): Promise<Map<string, InsightDoc>> {
  const out = new Map<string, InsightDoc>();
  const col = insightsOf(stores.documents);
  const read: string[] = [];
  for (const agg of aggs) {
    const known = writtenAt(stores.documents, agg.id, agg.version);
    if (known) out.set(agg.id, known);
    else read.push(agg.id);
  }
  await inParallel(read, concurrency, async (id) => {
    const raw = await col.findOne({ _id: id });
    if (raw) out.set(id, asInsightDoc(raw));
  });
  return out;
}

/** Projects what it can of `aggs` (whose leases the caller holds) in one graph import. */
export async function projectBatch(
  stores: Stored,
  aggs: readonly PendingAggregate[],
  concurrency: number,
): Promise<BatchResult> {
  const done: BatchResult["done"] = [];
  const slow: PendingAggregate[] = [];
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const dropTags: { id: string; tag: string }[] = [];

  // An outbox row whose document this instance is still writing waits for the next pass (the
  // write wakes the projector when it ends): reading now would find the older version.
  const insights = aggs.filter((a) =>
    a.type === "insight" &&
    (writtenAt(stores.documents, a.id, a.version) !== undefined ||
      !writing(stores.documents, a.id, a.version))
  );
  const docs = await insightDocs(stores, insights, concurrency);
  const live: { agg: PendingAggregate; doc: InsightDoc }[] = [];
  for (const agg of insights) {
    const doc = docs.get(agg.id);
    if (!doc || doc.deleted_at !== null || doc.version < agg.version) slow.push(agg);
    else live.push({ agg, doc });
  }
  // Past version 1 the graph may hold a newer state (never overwrite it) or other tags.
  const before = new Map<string, GraphNode | null>();
  await inParallel(live.filter((x) => x.doc.version > 1), concurrency, async ({ doc }) => {
    before.set(doc._id, await stores.graph.getNode(insightNode(doc._id)));
  });
  for (const { agg, doc } of live) {
    const node = before.get(doc._id) ?? null;
    if (node && Number(node.props.version ?? 0) > doc.version) {
      done.push({ agg, outcome: "stale" });
      continue;
    }
    if (node && !Array.isArray(node.props.tags)) {
      slow.push(agg); // projected before nodes kept their tags: the full path reads the edges
      continue;
    }
    const tags = graphTags(doc);
    for (const old of (node?.props.tags ?? []) as string[]) {
      if (!tags.includes(old)) dropTags.push({ id: doc._id, tag: old });
    }
    nodes.push({ ...insightNode(doc._id), props: withoutIdleNulls(insightProps(doc), node) });
    nodes.push({ ...userNode(doc.owner_id), props: {} });
    edges.push({
      from: userNode(doc.owner_id),
      type: "AUTHORED",
      to: insightNode(doc._id),
      props: {},
    });
    for (const tag of tags) {
      nodes.push({ ...tagNode(tag), props: { name: tag } });
      edges.push({ from: insightNode(doc._id), type: "TAGGED", to: tagNode(tag), props: {} });
    }
    done.push({ agg, outcome: "applied" });
  }

  const rels = aggs.filter((a) => a.type === "relationship");
  const rows = await relationshipsByIds(stores.relational, rels.map((a) => a.id));
  for (const agg of rels) {
    const row = rows.get(agg.id);
    if (!row) done.push({ agg, outcome: "skipped" });
    else if (row.deleted_at !== null) slow.push(agg);
    else {
      edges.push({
        from: insightNode(row.source_id),
        type: "RELATES_TO",
        to: insightNode(row.target_id),
        props: {
          rel_id: row.id,
          type: row.type,
          strength: Number(row.strength),
          origin: row.origin,
          version: Number(row.version),
        },
      });
      done.push({ agg, outcome: "applied" });
    }
  }

  // Insights first (nodes, AUTHORED, TAGGED), then the RELATES_TO edges on their own: an edge
  // whose end is not in the graph yet fails only the relationships' import.
  const relEdges = edges.filter((e) => e.type === "RELATES_TO");
  const own = edges.filter((e) => e.type !== "RELATES_TO");
  const handBack = (type: PendingAggregate["type"] | "all"): BatchResult => {
    const back = done.filter((d) =>
      d.outcome === "applied" && (type === "all" || d.agg.type === type)
    );
    return {
      done: done.filter((d) => !back.includes(d)),
      slow: [...slow, ...back.map((d) => d.agg)],
    };
  };
  // The one-by-one path repairs a missing end and retries a graph that is down with backoff.
  if (!(await importAll(stores, nodes, own))) return handBack("all");
  for (const { id, tag } of dropTags) {
    await stores.graph.deleteEdge(insightNode(id), "TAGGED", tagNode(tag));
  }
  if (!(await importAll(stores, [], relEdges))) return handBack("relationship");
  return { done, slow };
}

/** Upserts the nodes then the edges in one import; false when it failed (nothing is thrown). */
async function importAll(stores: Stored, nodes: GraphNode[], edges: GraphEdge[]) {
  if (nodes.length + edges.length === 0) return true;
  const text = [...nodes.map(nodeLine), ...edges.map(edgeLine)].join("");
  try {
    await stores.graph.importNdjson((async function* () {
      yield text;
    })());
    return true;
  } catch {
    return false;
  }
}
