/**
 * Which list pages the read-through cache may hold, and under which key: first pages only (no
 * cursor, no search text), for callers whose view is not narrowed to their own rows or companies,
 * so a page is the same whoever of them asks.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { Resource } from "../resource.ts";
import type { Caller } from "./scope.ts";
import type { ListQuery } from "./list.ts";
import { rowJsonSql } from "./row_json.ts";

const shapes = new WeakMap<Resource, string>();

/**
 * A tag of how this build writes the resource's rows (a hash of its row JSON SQL). Entries carry
 * it, the namespace does not: during a rolling deploy that changes a row's shape, old and new
 * instances never serve each other's pages, while a write on either still hides both.
 */
function shapeOf(res: Resource): string {
  let shape = shapes.get(res);
  if (shape === undefined) {
    shape = createHash("sha1").update(rowJsonSql(res, "p")).digest("hex").slice(0, 10);
    shapes.set(res, shape);
  }
  return shape;
}

/** The key of the resource's plain first page (no parameters), or null when lists are uncached. */
export function plainListKey(res: Resource): string | null {
  return res.listCache ? `${res.listCache.key}#${shapeOf(res)}` : null;
}

/**
 * The cache key of this list page, or null when it is not cached. A filtered page adds its
 * parameters, sorted, so `?a=1&b=2` and `?b=2&a=1` share an entry.
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
  if (given.length === 0) return plainListKey(res);
  // Later pages and searches are many and seldom asked twice: they stay uncached.
  if (!cache.filtered || query.cursor !== undefined || query.q !== undefined) return null;
  given.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${plainListKey(res)}?${new URLSearchParams(given)}`;
}
