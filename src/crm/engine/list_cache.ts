/**
 * Which list pages the read-through cache may hold, and under which key: first pages only (no
 * cursor, no search text), for callers whose view is not narrowed to their own rows or companies,
 * so a page is the same whoever of them asks.
 *
 * @module
 */
import type { Resource } from "../resource.ts";
import type { Caller } from "./scope.ts";
import type { ListQuery } from "./list.ts";

/**
 * The cache key of this list page, or null when it is not cached. The plain first page keeps the
 * namespace itself as its key; a filtered one adds its parameters, sorted, so `?a=1&b=2` and
 * `?b=2&a=1` share an entry.
 */
export function listCacheKey(
  res: Resource,
  query: ListQuery,
  caller: Caller,
  nested: boolean,
): string | null {
  const cache = res.listCache;
  if (cache === undefined || nested || res.owner || caller.companyIds !== null) return null;
  const given = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined);
  if (given.length === 0) return cache.key;
  // Later pages and searches are many and seldom asked twice: they stay uncached.
  if (!cache.filtered || query.cursor !== undefined || query.q !== undefined) return null;
  given.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${cache.key}?${new URLSearchParams(given)}`;
}
