/**
 * Lifecycle for the folder adapter, which has no server to apply bucket rules: a sweep removes
 * objects older than their bucket's shortest matching rule (as S3 does) and temp files left by
 * crashed writes; a sweeper runs sweeps on an interval, never overlapping.
 *
 * @module
 */
import { StoreError } from "../errors.ts";
import type { FolderLayout } from "./folder_layout.ts";
import { readConfig } from "./folder_sidecar.ts";
import type { ObjectInfo } from "./port.ts";

const DAY_MS = 24 * 3600 * 1000;
/** Leftovers in tmp/ older than this come from crashed writes and are removed by the sweeper. */
const STALE_TMP_MS = DAY_MS;

/** What a sweep needs of the adapter. */
export interface SweepTarget {
  layout: FolderLayout;
  listBuckets(): Promise<string[]>;
  statKey(bucket: string, key: string): Promise<ObjectInfo | null>;
  remove(bucket: string, key: string): Promise<boolean>;
}

/** Removes expired objects as of `nowMs`; returns how many. */
export async function sweepFolder(target: SweepTarget, nowMs: number): Promise<number> {
  let removed = 0;
  for (const bucket of await target.listBuckets()) {
    const cfg = await readConfig(target.layout, bucket);
    if (cfg === null || cfg.lifecycle.length === 0) continue;
    for (const key of await target.layout.keys(bucket, "")) {
      // Where rules overlap the shortest one wins, as on S3.
      const days = cfg.lifecycle.filter((r) => key.startsWith(r.prefix))
        .reduce((min, r) => Math.min(min, r.expireDays), Infinity);
      if (days === Infinity) continue;
      const info = await target.statKey(bucket, key);
      if (info === null || nowMs - info.last_modified.getTime() <= days * DAY_MS) continue;
      if (await target.remove(bucket, key)) removed++;
    }
  }
  // Temp files carry real mtimes, so their age is measured on the wall clock, whatever `now`
  // the sweep was asked to assume.
  await cleanTmp(target.layout, Date.now());
  return removed;
}

async function cleanTmp(layout: FolderLayout, nowMs: number): Promise<void> {
  const dir = layout.tmpDir();
  for await (const e of Deno.readDir(dir)) {
    const path = `${dir}/${e.name}`;
    const st = await Deno.lstat(path).catch(() => null);
    if (st?.mtime && nowMs - st.mtime.getTime() > STALE_TMP_MS) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  }
}

/**
 * Runs `sweep` every `intervalMs` until the returned function is called. Sweeps never overlap; a
 * failed sweep goes to `onError` and the next one still runs. The timer never keeps the process
 * alive on its own.
 */
export function startSweeper(
  sweep: () => Promise<unknown>,
  intervalMs: number,
  onError?: (err: unknown) => void,
): () => void {
  if (!Number.isInteger(intervalMs) || intervalMs < 1) {
    throw new StoreError("invalid", "objects", "sweeper interval must be at least 1 ms");
  }
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    const t = setTimeout(tick, intervalMs);
    Deno.unrefTimer(t);
    timer = t;
  };
  const tick = async () => {
    try {
      await sweep();
    } catch (err) {
      onError?.(err);
    }
    if (!stopped) schedule();
  };
  schedule();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
