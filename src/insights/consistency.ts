/**
 * Drift between insight documents and the graph: the outbox backlog, ids on one side only, and
 * version mismatches; and the repair that re-projects or removes what drifted. Relationship edges
 * are checked too (`relationship:<id>` when an edge is missing, `edge:<from>><to>` for an edge
 * with no live relationship). Reads the whole graph export: fine for an admin check, not a hot path.
 * @module
 */
import type { Logger } from "../log.ts";
import type { Stores } from "../stores/types.ts";
import { asInsightDoc, insightsOf } from "./documents.ts";
import { backlog, releaseLease, takeLease } from "./outbox.ts";
import { drainOnce, insightNode, projectInsightDoc, projectRelationshipById } from "./projector.ts";
import { liveRelationships } from "./relationships_repo.ts";
import type { ConsistencyReport, RepairResult } from "./schemas.ts";

export type { ConsistencyReport, RepairResult };

interface Snapshot {
  report: ConsistencyReport;
  /** Insight ids to re-project (missing in graph or version differs). */
  reproject: string[];
  /** Insight nodes with no live document. */
  orphanNodes: string[];
  missingEdges: string[];
  orphanEdges: { from: string; to: string }[];
}

async function snapshot(stores: Stores): Promise<Snapshot> {
  const docs = new Map<string, number>();
  const col = insightsOf(stores.documents);
  let cursor: string | undefined;
  do {
    const page = await col.find({ deleted_at: null }, { sort: { _id: 1 }, limit: 1000, cursor });
    for (const d of page.items) docs.set(d._id, asInsightDoc(d).version);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);

  const nodes = new Map<string, number>();
  const edges = new Set<string>();
  for await (const chunk of stores.graph.exportNdjson()) {
    for (const line of chunk.split("\n")) {
      if (!line.trim()) continue;
      const item = JSON.parse(line);
      if (item.kind === "node" && item.label === "Insight") {
        nodes.set(String(item.id), Number(item.props?.version ?? 0));
      } else if (
        item.kind === "edge" && item.type === "RELATES_TO" && item.from?.label === "Insight"
      ) {
        edges.add(`${item.from.id}>${item.to.id}`);
      }
    }
  }
  const rels = await liveRelationships(stores.relational);
  const relPairs = new Set(rels.map((r) => `${r.source_id}>${r.target_id}`));
  const { count, oldestMs } = await backlog(stores.relational);

  const missingInGraph: string[] = [];
  const mismatches: string[] = [];
  for (const [id, v] of docs) {
    const nv = nodes.get(id);
    if (nv === undefined) missingInGraph.push(id);
    else if (nv !== v) mismatches.push(id);
  }
  const orphanNodes = [...nodes.keys()].filter((id) => !docs.has(id));
  const missingEdges = rels.filter((r) => !edges.has(`${r.source_id}>${r.target_id}`)).map((r) =>
    r.id
  );
  const orphanEdges = [...edges].filter((e) => !relPairs.has(e)).map((e) => {
    const [from, to] = e.split(">");
    return { from, to };
  });
  const missing_in_graph = [...missingInGraph, ...missingEdges.map((id) => `relationship:${id}`)];
  const missing_in_documents = [
    ...orphanNodes,
    ...orphanEdges.map((e) => `edge:${e.from}>${e.to}`),
  ];
  return {
    report: {
      outbox_backlog: count,
      oldest_outbox_age_ms: oldestMs,
      missing_in_graph: missing_in_graph.sort(),
      missing_in_documents: missing_in_documents.sort(),
      version_mismatches: mismatches.sort(),
      drift: missing_in_graph.length + missing_in_documents.length + mismatches.length,
      checked_at: new Date().toISOString(),
    },
    reproject: [...missingInGraph, ...mismatches],
    orphanNodes,
    missingEdges,
    orphanEdges,
  };
}

/** What differs between the insight documents and the graph right now. */
export async function consistencyReport(stores: Stores): Promise<ConsistencyReport> {
  return (await snapshot(stores)).report;
}

/**
 * Applies the outbox, then re-projects every drifted insight and relationship from its source of
 * truth and removes graph items that have none. Each item is repaired under the projector's lease,
 * so a running projector never races it; an item whose lease is held is left for that holder.
 */
export async function repairConsistency(stores: Stores, log: Logger): Promise<RepairResult> {
  const REPAIR_OWNER = `repair-${crypto.randomUUID()}`;
  await drainOnce(stores, log, { owner: REPAIR_OWNER, batch: 1000 });
  const snap = await snapshot(stores);
  let repaired = 0;
  const leased = async (id: string, fn: () => Promise<unknown>) => {
    if (!(await takeLease(stores.relational, id, REPAIR_OWNER, 30_000))) return;
    try {
      await fn();
      repaired++;
    } catch (err) {
      log.warn("consistency repair of one item failed", { id, error: String(err) });
    } finally {
      await releaseLease(stores.relational, id, REPAIR_OWNER).catch(() => {});
    }
  };
  for (const id of snap.reproject) {
    await leased(id, async () => {
      const raw = await insightsOf(stores.documents).findOne({ _id: id });
      await projectInsightDoc(stores, id, raw ? asInsightDoc(raw) : null);
    });
  }
  for (const id of snap.orphanNodes) {
    await leased(id, () => stores.graph.deleteNode(insightNode(id)));
  }
  for (const id of snap.missingEdges) await leased(id, () => projectRelationshipById(stores, id));
  for (const e of snap.orphanEdges) {
    await stores.graph.deleteEdge(insightNode(e.from), "RELATES_TO", insightNode(e.to));
    repaired++;
  }
  log.info("consistency repair", { repaired, drift_before: snap.report.drift });
  return { repaired, report: await consistencyReport(stores) };
}
