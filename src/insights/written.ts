/**
 * The insight documents this instance has just written, so its projector and worker need not read
 * them back (on FerretDB 1.x every read costs the server dearly under load). The projector takes a
 * copy at or past the version it projects; the worker's first attempt starts from the last write,
 * which its version-guarded write refuses if another instance wrote since (the retry then reads
 * the store).
 * @module
 */
import type { InsightDoc } from "./documents.ts";

const MAX_ENTRIES = 5_000;
const byStore = new WeakMap<object, Map<string, InsightDoc>>();
/** Per store, the versions this instance is writing now, by insight id. */
const inFlight = new WeakMap<object, Map<string, number[]>>();

function of(documents: object): Map<string, InsightDoc> {
  let m = byStore.get(documents);
  if (!m) {
    m = new Map();
    byStore.set(documents, m);
  }
  return m;
}

/** Remembers `doc` as written to `documents` (call after the write succeeded). */
export function rememberWritten(documents: object, doc: InsightDoc): void {
  const m = of(documents);
  m.delete(doc._id);
  m.set(doc._id, doc);
  if (m.size > MAX_ENTRIES) m.delete(m.keys().next().value!);
}

/**
 * The remembered document if it is at `version` or later, else undefined. A later copy is a state
 * the store held after `version`, as good as a read for the projector: its node carries that later
 * version (the graph never goes back), and the later write's own outbox row projects it again.
 */
export function writtenAt(
  documents: object,
  id: string,
  version: number,
): InsightDoc | undefined {
  const doc = of(documents).get(id);
  return doc !== undefined && doc.version >= version ? doc : undefined;
}

/**
 * The last state this instance wrote, whatever its version. It may be behind a write made
 * elsewhere: only use it where a stale copy fails a version-guarded write (412) and is read again.
 */
export function lastWritten(documents: object, id: string): InsightDoc | undefined {
  return of(documents).get(id);
}

/**
 * Marks `version` of `id` as being written by this instance (its outbox row commits before the
 * document write ends); the returned function ends the mark, whatever the outcome.
 */
export function beginWrite(documents: object, id: string, version: number): () => void {
  let m = inFlight.get(documents);
  if (!m) {
    m = new Map();
    inFlight.set(documents, m);
  }
  const versions = m.get(id) ?? [];
  versions.push(version);
  m.set(id, versions);
  return () => {
    const left = m.get(id)?.filter((v) => v !== version) ?? [];
    if (left.length === 0) m.delete(id);
    else m.set(id, left);
  };
}

/** True while this instance is writing `id` at `version` or later. */
export function writing(documents: object, id: string, version: number): boolean {
  return inFlight.get(documents)?.get(id)?.some((v) => v >= version) ?? false;
}
