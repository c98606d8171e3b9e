/**
 * Cache inspection for operators: keys by pattern (SCAN through the port, never KEYS), one key's
 * value with secrets redacted, deletion by key or by pattern (counted first), and stats.
 *
 * @module
 */
import { conflict, notFound, unprocessable } from "../errors.ts";
import { redact } from "../log.ts";
import type {
  CacheDeleteRequest,
  CacheDeleteResult,
  CacheKeyInfo,
  CacheKeyValue,
  CacheScanResult,
  CacheStats,
  HitCounterSource,
  OpsContext,
} from "./types.ts";

/** Most keys one scan may gather before paging; bounds memory on a huge cache. */
export const SCAN_CAP = 10_000;
/** Most keys a pattern delete may remove in one call. */
export const DELETE_CAP = 10_000;

/**
 * Keys whose values are credentials or session material: shown by name, TTL and size only.
 * Refresh-token grace seals, revoked JWT ids, sessions, refresh families, and anything whose name
 * says token, secret or password.
 */
const SECRET_KEY =
  /^(refresh|refresh_grace|session|sessions|blacklist|token|otp|reset)[:_]|(^|:)(session|refresh|token|secret|password|jwt)s?(:|$)/i;

/** True when the key's value must never be shown. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

const encoder = new TextEncoder();

async function describe(ctx: OpsContext, key: string): Promise<CacheKeyInfo> {
  const cache = ctx.stores.cache;
  const [ttl, value] = await Promise.all([cache.ttl(key), cache.get(key)]);
  return {
    key,
    type: "string",
    ttl_ms: value === null ? null : ttl,
    size_bytes: value === null ? null : encoder.encode(value).length,
    secret: isSecretKey(key),
  };
}

function checkPattern(pattern: string): void {
  if (pattern.length === 0 || pattern.length > 200) {
    throw unprocessable("pattern must be 1 to 200 characters", [
      { path: "pattern", message: "1 to 200 characters" },
    ]);
  }
}

/**
 * One page of keys matching `pattern` (`*` and `?` globs), in key order. The cursor is the last
 * key of the previous page. The port's SCAN gathers at most SCAN_CAP keys per call.
 */
export async function scanCacheKeys(
  ctx: OpsContext,
  opts: { pattern?: string; cursor?: string | null; count?: number } = {},
): Promise<CacheScanResult> {
  const pattern = opts.pattern ?? "*";
  checkPattern(pattern);
  const count = Math.min(Math.max(opts.count ?? 100, 1), 1000);
  const keys = (await ctx.stores.cache.scan(pattern, SCAN_CAP)).sort();
  const after = opts.cursor ?? null;
  const rest = after === null ? keys : keys.filter((k) => k > after);
  const page = rest.slice(0, count);
  const items = await Promise.all(page.map((k) => describe(ctx, k)));
  return {
    items,
    next_cursor: rest.length > count ? page[page.length - 1] : null,
  };
}

function parseValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** One key with its value; secret keys' values, and secret-looking fields, are redacted. */
export async function getCacheKey(ctx: OpsContext, key: string): Promise<CacheKeyValue> {
  const info = await describe(ctx, key);
  if (info.ttl_ms === null) throw notFound(`no cache key ${JSON.stringify(key)}`);
  if (info.secret) return { ...info, value: "[redacted]", redacted: true };
  const raw = await ctx.stores.cache.get(key);
  if (raw === null) throw notFound(`no cache key ${JSON.stringify(key)}`);
  const parsed = parseValue(raw);
  const shown = redact(parsed);
  const redacted = JSON.stringify(shown) !== JSON.stringify(parsed);
  return { ...info, value: shown, redacted };
}

/**
 * Deletes one key, or every key matching a pattern. A pattern without `confirmCount` only counts
 * (dry run); with it, the count must still match (else 409, nothing deleted).
 */
export async function deleteCacheKeys(
  ctx: OpsContext,
  request: CacheDeleteRequest,
): Promise<CacheDeleteResult> {
  const cache = ctx.stores.cache;
  if ("key" in request) {
    const deleted = await cache.del(request.key);
    if (deleted === 0) throw notFound(`no cache key ${JSON.stringify(request.key)}`);
    return { matched: 1, deleted, dry_run: false };
  }
  checkPattern(request.pattern);
  const keys = await cache.scan(request.pattern, DELETE_CAP + 1);
  if (keys.length > DELETE_CAP) {
    throw unprocessable(`more than ${DELETE_CAP} keys match; narrow the pattern`, [
      { path: "pattern", message: "matches too many keys" },
    ]);
  }
  if (request.confirmCount === undefined) {
    return { matched: keys.length, deleted: 0, dry_run: true };
  }
  if (request.confirmCount !== keys.length) {
    throw conflict(
      `${keys.length} keys match now, not ${request.confirmCount}; count again before deleting`,
    );
  }
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 500) deleted += await cache.del(...keys.slice(i, i + 500));
  return { matched: keys.length, deleted, dry_run: false };
}

/** Something that counts cache operations per second (the instrumented cache does). */
export interface OpsRateSource {
  opsPerSecond(): number;
}

/** Keys, memory, this process's ops/s and hit ratios per read-through namespace. */
export async function cacheStats(
  ctx: OpsContext,
  sources: { hits?: HitCounterSource; rate?: OpsRateSource } = {},
): Promise<CacheStats> {
  const info = await ctx.stores.cache.info();
  const counters = sources.hits?.hitStats() ?? {};
  const namespaces = Object.entries(counters).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0)
    .map(([namespace, { hits, misses }]) => ({
      namespace,
      hits,
      misses,
      hit_ratio: hits + misses === 0 ? null : Math.round((hits / (hits + misses)) * 1e4) / 1e4,
    }));
  return {
    adapter: ctx.stores.cache.adapter,
    keys: info.keys,
    memory_bytes: info.memory_bytes,
    ops_per_sec: sources.rate ? sources.rate.opsPerSecond() : null,
    namespaces,
  };
}
