/**
 * The graph projector: applies the outbox (outbox.ts explains why it is sound) by projecting each
 * aggregate's current state into the graph, under a per-aggregate lease, with retries and backoff.
 * Idempotent and version-guarded: a node or edge carries its source `version`, and a state older
 * than what the graph holds is never written over it.
 * @module
 */
import type { Logger } from "../log.ts";
import { isStoreError } from "../stores/errors.ts";
import type { Stores } from "../stores/types.ts";
import { asInsightDoc, type InsightDoc, insightsOf } from "./documents.ts";
import {
  dueAggregates,
  markDone,
  markDoneMany,
  markRetry,
  type Outcome,
  type PendingAggregate,
  pruneProcessed,
  releaseLease,
  releaseLeases,
  takeLease,
  takeLeases,
} from "./outbox.ts";
import { projectBatch } from "./projector_batch.ts";
import { graphTags, insightNode, insightProps, tagNode, userNode } from "./graph_shape.ts";
import { getRelationship } from "./relationships_repo.ts";
import { wakesOf } from "./wake.ts";

export { insightNode, tagNode, userNode } from "./graph_shape.ts";

export interface ProjectorOptions {
  /** Who holds leases (one id per instance). */
  owner: string;
  /** Aggregates per pass. */
  batch?: number;
  /** How long a row whose version the document has not reached is retried before it is skipped. */
  graceMs?: number;
  /** Longest backoff between retries. */
  maxBackoffMs?: number;
  leaseMs?: number;
  /** Aggregates projected at once. */
  concurrency?: number;
}

/** Not an error of the row: try again later. */
class NotYet extends Error {}

type Stored = Pick<Stores, "documents" | "graph" | "relational">;

/** Writes the insight's current state (or its absence) to the graph. */
export async function projectInsightDoc(
  stores: Stored,
  id: string,
  doc: InsightDoc | null,
): Promise<Outcome> {
  const g = stores.graph;
  if (doc === null || doc.deleted_at !== null) {
    await g.deleteNode(insightNode(id));
    return "applied";
  }
  const existing = await g.getNode(insightNode(id));
  if (existing && Number(existing.props.version ?? 0) > doc.version) return "stale";
  await g.upsertNode(insightNode(id), insightProps(doc));
  await g.upsertNode(userNode(doc.owner_id), {});
  await g.upsertEdge(userNode(doc.owner_id), "AUTHORED", insightNode(id), {});
  const want = new Set(graphTags(doc));
  const have = await g.neighbours(insightNode(id), {
    types: ["TAGGED"],
    direction: "out",
    depth: 1,
    limit: 1000,
  });
  for (const n of have) {
    if (!want.has(n.node.id)) await g.deleteEdge(insightNode(id), "TAGGED", n.node);
  }
  for (const tag of doc.tags) {
    await g.upsertNode(tagNode(tag), { name: tag.toLowerCase() });
    await g.upsertEdge(insightNode(id), "TAGGED", tagNode(tag), {});
  }
  return "applied";
}

async function projectInsight(
  stores: Stored,
  agg: PendingAggregate,
  graceMs: number,
): Promise<Outcome> {
  const raw = await insightsOf(stores.documents).findOne({ _id: agg.id });
  const doc = raw ? asInsightDoc(raw) : null;
  const behind = doc === null || doc.version < agg.version;
  const late = Date.now() - agg.firstAt.getTime() > graceMs;
  if (behind && !late) throw new NotYet(`document not yet at version ${agg.version}`);
  const outcome = await projectInsightDoc(stores, agg.id, doc);
  return behind ? "skipped" : outcome;
}

/** Writes the relationship's current state to the graph as a RELATES_TO edge (or removes it). */
export async function projectRelationshipById(stores: Stored, id: string): Promise<Outcome> {
  const row = await getRelationship(stores.relational, id);
  if (row === null) return "skipped";
  const from = insightNode(row.source_id);
  const to = insightNode(row.target_id);
  if (row.deleted_at !== null) {
    await stores.graph.deleteEdge(from, "RELATES_TO", to);
    return "applied";
  }
  const edge = () =>
    stores.graph.upsertEdge(from, "RELATES_TO", to, {
      rel_id: row.id,
      type: row.type,
      strength: Number(row.strength),
      origin: row.origin,
      version: Number(row.version),
    });
  try {
    await edge();
  } catch (err) {
    if (!isStoreError(err, "not_found")) throw err;
    // An end's node is missing: not projected yet, or lost by the graph (a store restored empty).
    // Its document is the truth, and projecting it is idempotent and version-guarded.
    for (const id of [row.source_id, row.target_id]) {
      if (await stores.graph.getNode(insightNode(id))) continue;
      const raw = await insightsOf(stores.documents).findOne({ _id: id });
      const doc = raw ? asInsightDoc(raw) : null;
      if (doc === null || doc.deleted_at !== null) {
        throw new NotYet("an end of the relationship has no live insight yet");
      }
      await projectInsightDoc(stores, id, doc);
    }
    await edge();
  }
  return "applied";
}

/** Projects one aggregate under its lease; false when another instance holds the lease. */
async function applyOne(
  stores: Stored,
  agg: PendingAggregate,
  opts: Required<ProjectorOptions>,
  log: Logger,
): Promise<boolean> {
  const db = stores.relational;
  if (!(await takeLease(db, agg.id, opts.owner, opts.leaseMs))) return false;
  try {
    const outcome = agg.type === "insight"
      ? await projectInsight(stores, agg, opts.graceMs)
      : await projectRelationshipById(stores, agg.id);
    await markDone(db, agg, outcome);
    return true;
  } catch (err) {
    if (!(err instanceof NotYet)) {
      log.warn("graph projection failed; will retry", {
        aggregate: agg.type,
        id: agg.id,
        attempts: agg.attempts + 1,
        error: String(err),
      });
    }
    await markRetry(db, agg, String(err), opts.maxBackoffMs);
    return false;
  } finally {
    await releaseLease(db, agg.id, opts.owner).catch(() => {});
  }
}

export function projectorOptions(o: ProjectorOptions): Required<ProjectorOptions> {
  return {
    owner: o.owner,
    batch: o.batch ?? 50,
    graceMs: o.graceMs ?? 30_000,
    maxBackoffMs: o.maxBackoffMs ?? 5_000,
    leaseMs: o.leaseMs ?? 30_000,
    concurrency: o.concurrency ?? 4,
  };
}

/**
 * One pass over due aggregates; returns how many were applied. The batch's leases, outbox marks
 * and graph writes take a few round trips in all (projector_batch.ts); what the fast path hands
 * back is projected one by one, each with its own retry.
 */
export async function drainOnce(
  stores: Stored,
  log: Logger,
  options: ProjectorOptions,
): Promise<number> {
  const opts = projectorOptions(options);
  const db = stores.relational;
  const due = await dueAggregates(db, opts.batch);
  if (due.length === 0) return 0;
  const taken = await takeLeases(db, due.map((a) => a.id), opts.owner, opts.leaseMs);
  const mine = due.filter((a) => taken.has(a.id));
  let applied = 0;
  try {
    const { done, slow } = await projectBatch(stores, mine, opts.concurrency).catch(() => ({
      done: [],
      slow: mine,
    }));
    await markDoneMany(db, done);
    applied = done.length;
    // A few at once: each has its own lease, so they never touch the same item.
    let next = 0;
    const worker = async () => {
      while (next < slow.length) {
        if (await applyOne(stores, slow[next++], opts, log)) applied++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, slow.length) }, worker));
  } finally {
    await releaseLeases(db, mine.map((a) => a.id), opts.owner).catch(() => {});
  }
  return applied;
}

/**
 * Runs the projector every `intervalMs` until the returned stop is called. A pass that fails (the
 * relational store is down) is logged and the next one tries again.
 */
export function startProjector(
  stores: Stored,
  log: Logger,
  options: ProjectorOptions & { intervalMs?: number },
): () => Promise<void> {
  let stopped = false;
  let passes = 0;
  const loop = (async () => {
    while (!stopped) {
      try {
        const n = await drainOnce(stores, log, options);
        if (++passes % 1000 === 0) await pruneProcessed(stores.relational, 24 * 3_600_000);
        if (n > 0) continue;
      } catch (err) {
        log.warn("graph projector pass failed", { error: String(err) });
      }
      await wakesOf(stores.relational).projector.wait(options.intervalMs ?? 200);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
