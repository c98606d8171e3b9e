/**
 * The dashboards service: each operation runs its transaction (with its audit row) and its cache
 * upkeep here, so the route handlers only validate, call and answer. Every operation names the
 * owner; another user's dashboard is simply not found.
 *
 * @module
 */
import { type AuditActor, recordAudit } from "../audit/record.ts";
import type { ReadThroughCache } from "../caching/read_through.ts";
import { notFound, preconditionFailed, unprocessable } from "../errors.ts";
import type { Deps } from "../http/types.ts";
import { decodeCursor, encodeCursor } from "../shared/keyset_cursor.ts";
import { ifMatchAllows, versionEtag } from "../shared/etag.ts";
import type { Queryable, RelationalStore } from "../stores/relational/port.ts";
import {
  type DashboardRow,
  deleteDashboard,
  findDashboard,
  insertDashboard,
  insertMetrics,
  listDashboards,
  publicDashboard,
  renameDashboard,
} from "./repository.ts";
import type { MetricSample, MetricsSummary, Period } from "./schemas.ts";
import { cachedSummary, invalidateSummaries } from "./summary.ts";

/** How far ahead of the server clock a sample's timestamp may be (clock skew). */
const MAX_FUTURE_MS = 5 * 60 * 1000;

/** What the dashboards service needs; built once per app by `dashboardsContext`. */
export interface DashboardsContext {
  db: RelationalStore;
  cached: ReadThroughCache;
  /** Milliseconds since the epoch. */
  now: () => number;
}

export function dashboardsContext(deps: Deps): DashboardsContext {
  return { db: deps.stores.relational, cached: deps.cached, now: deps.now };
}

/** A dashboard as answered: its public fields and its ETag. */
export interface TaggedDashboard {
  dashboard: ReturnType<typeof publicDashboard>;
  etag: string;
}

const tagged = (row: DashboardRow): TaggedDashboard => ({
  dashboard: publicDashboard(row),
  etag: versionEtag(row.version),
});

/** One page of the owner's dashboards, newest first. */
export async function listOwn(
  ctx: DashboardsContext,
  userId: string,
  limit: number,
  cursor: string | undefined,
) {
  const rows = await listDashboards(ctx.db, userId, limit, decodeCursor(cursor));
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last
    ? encodeCursor({ ts: last.cursor_ts, id: last.id })
    : null;
  return { items: page.map(publicDashboard), next_cursor: next };
}

export async function createDashboard(
  ctx: DashboardsContext,
  actor: AuditActor,
  userId: string,
  name: string,
): Promise<TaggedDashboard> {
  const row = await ctx.db.transaction(async (tx) => {
    const row = await insertDashboard(tx, userId, name);
    await recordAudit(tx, actor, {
      action: "create",
      resourceType: "dashboards",
      resourceId: row.id,
      newValues: publicDashboard(row),
    });
    return row;
  });
  return tagged(row);
}

export async function readOwn(
  ctx: DashboardsContext,
  userId: string,
  id: string,
): Promise<TaggedDashboard> {
  const row = await findDashboard(ctx.db, userId, id);
  if (!row) throw notFound("No such dashboard");
  return tagged(row);
}

/** Loads the owner's dashboard locked for change, refusing with 412 on a stale If-Match. */
async function lockForChange(
  tx: Queryable,
  userId: string,
  id: string,
  ifMatch: string | undefined,
): Promise<DashboardRow> {
  const old = await findDashboard(tx, userId, id, true);
  if (!old) throw notFound("No such dashboard");
  if (!ifMatchAllows(ifMatch, versionEtag(old.version))) throw preconditionFailed();
  return old;
}

export async function renameOwn(
  ctx: DashboardsContext,
  actor: AuditActor,
  userId: string,
  id: string,
  name: string,
  ifMatch: string | undefined,
): Promise<TaggedDashboard> {
  const row = await ctx.db.transaction(async (tx) => {
    const old = await lockForChange(tx, userId, id, ifMatch);
    const row = await renameDashboard(tx, id, name);
    await recordAudit(tx, actor, {
      action: "update",
      resourceType: "dashboards",
      resourceId: id,
      oldValues: publicDashboard(old),
      newValues: publicDashboard(row),
    });
    return row;
  });
  return tagged(row);
}

export async function removeOwn(
  ctx: DashboardsContext,
  actor: AuditActor,
  userId: string,
  id: string,
  ifMatch: string | undefined,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const old = await lockForChange(tx, userId, id, ifMatch);
    await deleteDashboard(tx, id);
    await recordAudit(tx, actor, {
      action: "delete",
      resourceType: "dashboards",
      resourceId: id,
      oldValues: publicDashboard(old),
    });
  });
  await invalidateSummaries(ctx, userId);
}

/** Timestamps more than MAX_FUTURE_MS ahead are refused with their field path. */
function checkTimestamps(samples: readonly MetricSample[], single: boolean, nowMs: number) {
  const errors = samples.flatMap((s, i) =>
    s.timestamp !== undefined && Date.parse(s.timestamp) > nowMs + MAX_FUTURE_MS
      ? [{
        path: single ? "timestamp" : `${i}.timestamp`,
        message: "must not be more than 5 minutes in the future",
      }]
      : []
  );
  if (errors.length > 0) throw unprocessable("The request body is not valid", errors);
}

/** Stores one sample or an array of them; answers how many were inserted. */
export async function ingestSamples(
  ctx: DashboardsContext,
  actor: AuditActor,
  userId: string,
  id: string,
  body: MetricSample | MetricSample[],
): Promise<number> {
  const single = !Array.isArray(body);
  const samples: MetricSample[] = Array.isArray(body) ? body : [body];
  const nowMs = ctx.now();
  checkTimestamps(samples, single, nowMs);
  const inserted = await ctx.db.transaction(async (tx) => {
    // Locking the dashboard row keeps a concurrent delete from orphaning the samples' audit.
    if (!await findDashboard(tx, userId, id, true)) throw notFound("No such dashboard");
    const inserted = await insertMetrics(tx, userId, id, samples, new Date(nowMs));
    await recordAudit(tx, actor, {
      action: "metrics.ingest",
      resourceType: "dashboards",
      resourceId: id,
      newValues: { samples: inserted },
    });
    return inserted;
  });
  // After commit: dropping the keys earlier would let a reader cache the old figures again
  // before the samples are visible. A read already computing now may still store them; the
  // five-minute TTL bounds that.
  await invalidateSummaries(ctx, userId);
  return inserted;
}

/** The period summary of the owner's dashboard, through the cache. */
export async function summaryOf(
  ctx: DashboardsContext,
  userId: string,
  id: string,
  period: Period,
): Promise<{ summary: MetricsSummary; hit: boolean }> {
  if (!await findDashboard(ctx.db, userId, id)) throw notFound("No such dashboard");
  return await cachedSummary(ctx, userId, id, period, ctx.now());
}
