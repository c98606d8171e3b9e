/**
 * The insight documents this instance has just written, so its projector and worker need not read
 * them back (on FerretDB 1.x every read scans the collection). The projector uses only an exact
 * version match; the worker's first attempt starts from the last write, which its version-guarded
 * write refuses if another instance wrote since (the retry then reads the store).
 * @module
 */
import type { InsightDoc } from "./documents.ts";

const MAX_ENTRIES = 5_000;
const byStore = new WeakMap<object, Map<string, InsightDoc>>();

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

/** The remembered document if it is at exactly `version`, else undefined. */
export function writtenAt(
  documents: object,
  id: string,
  version: number,
): InsightDoc | undefined {
  const doc = of(documents).get(id);
  return doc?.version === version ? doc : undefined;
}

/**
 * The last state this instance wrote, whatever its version. It may be behind a write made
 * elsewhere: only use it where a stale copy fails a version-guarded write (412) and is read again.
 */
export function lastWritten(documents: object, id: string): InsightDoc | undefined {
  return of(documents).get(id);
}
