/**
 * The files sweep, run by one instance at a time under a cache lock: it applies lifecycle rules
 * where the store does not (the folder adapter; MinIO applies its own), removes the objects of
 * deleted files and of upload intents that expired, and finds orphans both ways (objects with no
 * row, rows with no object), reporting them and, when asked, removing them. The clock is passed in.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import { hasLifecycleSweep } from "../stores/objects/capabilities.ts";
import type { ObjectStore } from "../stores/objects/port.ts";
import type { RelationalStore } from "../stores/relational/port.ts";
import { uploadBuckets } from "./limits.ts";
import { isConventionKey } from "./names.ts";

export const SWEEP_LOCK_KEY = "lock:files:sweep";
const LOCK_TTL_MS = 5 * 60 * 1000;
/** An object younger than this may belong to an upload completing right now. */
const ORPHAN_GRACE_MS = 60 * 60 * 1000;

export interface SweepDeps {
  db: RelationalStore;
  objects: ObjectStore;
  cache: CacheStore;
  log: Logger;
}

export interface SweepReport {
  /** Objects removed by lifecycle rules (folder adapter only). */
  expired: number;
  /** Objects of deleted files removed. */
  purged: number;
  /** Upload intents past their expiry dropped (with any object they had). */
  abandoned: number;
  /** "bucket/key" of objects with no file row and no pending upload. */
  orphanObjects: string[];
  /** Ids of live file rows whose object is gone. */
  orphanRows: string[];
}

/**
 * One sweep as of `nowMs`. With `removeOrphans`, orphan objects are removed and orphan rows
 * marked deleted and purged; otherwise they are only reported. Returns null when another
 * instance holds the lock.
 */
export async function sweepFiles(
  deps: SweepDeps,
  nowMs: number,
  options: { removeOrphans: boolean },
): Promise<SweepReport | null> {
  const token = await deps.cache.acquireLock(SWEEP_LOCK_KEY, LOCK_TTL_MS);
  if (token === null) return null;
  try {
    return await sweepLocked(deps, nowMs, options.removeOrphans);
  } finally {
    await deps.cache.releaseLock(SWEEP_LOCK_KEY, token).catch(() => false);
  }
}

async function sweepLocked(
  deps: SweepDeps,
  nowMs: number,
  removeOrphans: boolean,
): Promise<SweepReport> {
  const { db, objects } = deps;
  const now = new Date(nowMs);
  const report: SweepReport = {
    expired: 0,
    purged: 0,
    abandoned: 0,
    orphanObjects: [],
    orphanRows: [],
  };
  if (hasLifecycleSweep(objects)) report.expired = await objects.sweep(now);

  const deleted = await db.query<{ id: string; bucket: string; key: string }>(
    "select id, bucket, key from files where deleted_at is not null and purged_at is null",
  );
  for (const f of deleted.rows) {
    await objects.remove(f.bucket, f.key);
    await db.query("update files set purged_at = $2 where id = $1", [f.id, now]);
    report.purged++;
  }

  const stale = await db.query<{ id: string; bucket: string; key: string }>(
    "select id, bucket, key from file_uploads where expires_at < $1",
    [now],
  );
  for (const u of stale.rows) {
    await objects.remove(u.bucket, u.key);
    await db.query("delete from file_uploads where id = $1", [u.id]);
    report.abandoned++;
  }

  const existing = new Set<string>();
  for (const bucket of uploadBuckets()) {
    const known = await knownKeys(db, bucket);
    let after: string | undefined;
    for (;;) {
      const page = await objects.list(bucket, "", { limit: 1000, startAfter: after });
      for (const o of page) {
        existing.add(`${bucket}/${o.key}`);
        if (known.has(o.key) || !isConventionKey(o.key)) continue;
        if (nowMs - o.last_modified.getTime() < ORPHAN_GRACE_MS) continue;
        report.orphanObjects.push(`${bucket}/${o.key}`);
        if (removeOrphans) await objects.remove(bucket, o.key);
      }
      if (page.length < 1000) break;
      after = page[page.length - 1].key;
    }
  }

  const live = await db.query<{ id: string; bucket: string; key: string }>(
    "select id, bucket, key from files where deleted_at is null",
  );
  for (const f of live.rows) {
    if (existing.has(`${f.bucket}/${f.key}`)) continue;
    report.orphanRows.push(f.id);
    if (removeOrphans) {
      await db.query("update files set deleted_at = $2, purged_at = $2 where id = $1", [f.id, now]);
    }
  }
  if (report.orphanObjects.length + report.orphanRows.length > 0) {
    deps.log.warn("files sweep found orphans", {
      orphan_objects: report.orphanObjects.length,
      orphan_rows: report.orphanRows.length,
      removed: removeOrphans,
    });
  }
  return report;
}

/** Keys the relational store accounts for in `bucket`: unpurged files and pending uploads. */
async function knownKeys(db: RelationalStore, bucket: string): Promise<Set<string>> {
  const r = await db.query<{ key: string }>(
    `select key from files where bucket = $1 and purged_at is null
     union select key from file_uploads where bucket = $1`,
    [bucket],
  );
  return new Set(r.rows.map((row) => row.key));
}
