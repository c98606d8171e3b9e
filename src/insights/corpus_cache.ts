/**
 * Each owner's recent insights as the processing worker compares against them, read from the
 * documents store at most once per `ttlMs` (on FerretDB 1.x that read decodes the whole
 * collection) and kept current in between with every insight this instance processes. The cost:
 * an insight written and processed on ANOTHER instance within the last `ttlMs` can be missed as a
 * candidate by a job here (its own job, there, may still link the two).
 * @module
 */
import type { InsightDoc } from "./documents.ts";

interface Entry {
  loadedAt: number;
  docs: Map<string, InsightDoc>;
}

export class CorpusCache {
  #owners = new Map<string, Promise<Entry>>();

  constructor(
    private readonly load: (ownerId: string) => Promise<InsightDoc[]>,
    private readonly ttlMs: number,
    private readonly limit: number,
  ) {}

  /** The owner's live insights, newest first, at most `limit`. */
  async get(ownerId: string, now: number): Promise<InsightDoc[]> {
    let entry = this.#owners.get(ownerId);
    if (!entry || now - (await entry).loadedAt > this.ttlMs) {
      if (this.#owners.size > 1000) this.#owners.clear();
      entry = this.load(ownerId).then((docs) => ({
        loadedAt: now,
        docs: new Map(docs.map((d) => [d._id, d])),
      }));
      this.#owners.set(ownerId, entry);
      entry.catch(() => this.#owners.delete(ownerId));
    }
    const docs = [...(await entry).docs.values()];
    docs.sort((a, b) =>
      b.created_at.getTime() - a.created_at.getTime() || (a._id < b._id ? 1 : -1)
    );
    return docs.slice(0, this.limit);
  }

  /** Records an insight's new state (a deleted one leaves) if its owner is cached. */
  async put(doc: InsightDoc): Promise<void> {
    const entry = this.#owners.get(doc.owner_id);
    if (!entry) return;
    const { docs } = await entry.catch(() => ({ docs: null }));
    if (!docs) return;
    if (doc.deleted_at !== null) docs.delete(doc._id);
    else docs.set(doc._id, doc);
  }
}
