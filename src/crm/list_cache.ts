// Read-through cache of a resource's default list page (pipeline stages: 1 h). The cache only
// speeds things up: any cache failure is logged and answered from the database.
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import type { Page } from "./engine/list.ts";

/** The cached page under `key`, or `load()`'s page, stored for `ttlMs`. */
export async function cachedPage(
  cache: CacheStore,
  log: Logger,
  key: string,
  ttlMs: number,
  load: () => Promise<Page>,
): Promise<Page> {
  try {
    const hit = await cache.get(key);
    if (hit !== null) return JSON.parse(hit) as Page;
  } catch (err) {
    log.warn("cache read failed; using database", { key, error: String(err) });
  }
  const page = await load();
  try {
    await cache.set(key, JSON.stringify(page), ttlMs);
  } catch (err) {
    log.warn("cache write failed", { key, error: String(err) });
  }
  return page;
}

/** Drops `key` after a change; a failure is logged (the entry then ages out with its TTL). */
export async function dropCached(cache: CacheStore, log: Logger, key: string): Promise<void> {
  try {
    await cache.del(key);
  } catch (err) {
    log.warn("cache invalidation failed", { key, error: String(err) });
  }
}
