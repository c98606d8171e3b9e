/**
 * Insight reads and writes. Every write commits its outbox row, processing job and audit row in
 * one relational transaction before the document write (outbox.ts says why that is sound), then
 * invalidates the cached copies it made stale.
 * @module
 */
import type { AuditActor } from "../audit/record.ts";
import { recordAudit } from "../audit/record.ts";
import type { ReadThroughCache } from "../caching/read_through.ts";
import { notFound, preconditionFailed, unprocessable } from "../errors.ts";
import type { Filter } from "../stores/documents/port.ts";
import type { Stores } from "../stores/types.ts";
import { type Caller, canRead, canWrite, readableFilter } from "./access.ts";
import { asInsightDoc, type InsightDoc, insightsOf, toApi } from "./documents.ts";
import { recordOutbox } from "./outbox.ts";
import { dropQueuedJob, enqueueJob } from "./queue.ts";
import { detachInsight } from "./relationships_repo.ts";
import { wakesOf } from "./wake.ts";
import { beginWrite, rememberWritten } from "./written.ts";
import {
  type Insight,
  type InsightCreate,
  type InsightListQuery,
  type InsightPatch,
  InsightSchema,
} from "./schemas.ts";

export const INSIGHT_TTL_MS = 10 * 60_000;
export const insightKey = (id: string) => `insight:${id}`;
export const statsNamespace = (ownerId: string) => `insights:stats:${ownerId}`;

export interface InsightCtx {
  stores: Stores;
  cached: ReadThroughCache;
  /** Resolves once the collection's indexes exist. */
  ready: () => Promise<void>;
  now: () => number;
}

export const etagOf = (version: number) => `"${version}"`;

/** True when the If-Match header (if any) names `version`'s tag (or is `*`). */
function ifMatch(header: string | undefined, version: number): boolean {
  if (header === undefined) return true;
  const h = header.trim();
  if (h === "*") return true;
  return h.split(",").some((t) => t.trim().replace(/^W\//, "") === etagOf(version));
}

/** Reads a live insight (through the cache), or null. */
export async function loadInsight(ctx: InsightCtx, id: string): Promise<Insight | null> {
  const { value } = await ctx.cached.get(
    insightKey(id),
    insightKey(id),
    INSIGHT_TTL_MS,
    InsightSchema.nullable(),
    async () => {
      const raw = await insightsOf(ctx.stores.documents).findOne({ _id: id, deleted_at: null });
      return raw ? toApi(asInsightDoc(raw)) : null;
    },
  );
  return value;
}

/** The insight if `caller` may read it, else 404. */
export async function readInsight(ctx: InsightCtx, caller: Caller, id: string): Promise<Insight> {
  const found = await loadInsight(ctx, id);
  if (!found || !canRead(caller, found)) throw notFound("No such insight");
  return found;
}

async function liveDoc(ctx: InsightCtx, id: string): Promise<InsightDoc | null> {
  const raw = await insightsOf(ctx.stores.documents).findOne({ _id: id, deleted_at: null });
  return raw ? asInsightDoc(raw) : null;
}

function dateFilter(text: string, end: boolean): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    return new Date(`${text}T${end ? "23:59:59.999" : "00:00:00.000"}Z`);
  }
  return new Date(text);
}

export async function listInsights(
  ctx: InsightCtx,
  caller: Caller,
  q: InsightListQuery,
): Promise<{ items: Insight[]; next_cursor: string | null }> {
  await ctx.ready();
  const and: Filter[] = [readableFilter(caller)];
  if (q.tag) and.push({ tags: q.tag });
  if (q.status) and.push({ status: q.status });
  if (q.source) and.push({ source: q.source });
  const created: Record<string, Date> = {};
  if (q.created_gte) created.$gte = dateFilter(q.created_gte, false);
  if (q.created_lte) created.$lte = dateFilter(q.created_lte, true);
  if (Object.keys(created).length) and.push({ created_at: created });
  if (q.q) and.push({ $or: [{ title: { $contains: q.q } }, { body: { $contains: q.q } }] });
  try {
    const page = await insightsOf(ctx.stores.documents).find({ $and: and }, {
      sort: { created_at: -1, _id: -1 },
      limit: q.limit,
      cursor: q.cursor,
    });
    return { items: page.items.map((d) => toApi(asInsightDoc(d))), next_cursor: page.next_cursor };
  } catch (err) {
    if (q.cursor && err instanceof Error && /cursor/i.test(err.message)) {
      throw unprocessable("The cursor is not valid", [{ path: "cursor", message: "invalid" }]);
    }
    throw err;
  }
}

/** What a write changes, committed as outbox row + job + audit before the document write. */
interface WritePlan {
  actor: AuditActor | null;
  action: "create" | "update" | "delete" | "process";
  before: InsightDoc | null;
  after: InsightDoc;
  /** Queue (re)processing: the text changed. */
  process: boolean;
  /**
   * Record an outbox row (default true). Only the worker's `processing` mark skips it: that state
   * lasts one job, and the job's next write (processed, pending or failed) is projected anyway.
   */
  project?: boolean;
}

function auditValues(d: InsightDoc | null): Record<string, unknown> | null {
  if (!d) return null;
  const { body, ...rest } = d;
  return { ...rest, body: body.length > 500 ? `${body.slice(0, 500)}…` : body };
}

/** Commits the plan's relational half, then writes the document; undoes the first on failure. */
export async function commitWrite(ctx: InsightCtx, plan: WritePlan): Promise<void> {
  const { after } = plan;
  // Until the document is written, this instance's projector leaves its outbox row for later.
  const written = beginWrite(ctx.stores.documents, after._id, after.version);
  try {
    await commitPlan(ctx, plan);
  } finally {
    written();
  }
}

async function commitPlan(ctx: InsightCtx, plan: WritePlan): Promise<void> {
  const { after, before } = plan;
  const db = ctx.stores.relational;
  await db.transaction(async (tx) => {
    if (plan.project !== false) await recordOutbox(tx, "insight", after._id, after.version);
    if (plan.process) await enqueueJob(tx, after._id, after.owner_id);
    if (plan.action === "delete") await detachInsight(tx, after._id);
    if (plan.actor) {
      await recordAudit(tx, plan.actor, {
        action: plan.action,
        resourceType: "insights",
        resourceId: after._id,
        oldValues: auditValues(before),
        newValues: plan.action === "delete" ? null : auditValues(after),
      });
    }
  });
  const col = insightsOf(ctx.stores.documents);
  try {
    if (before === null) {
      await col.insertOne({ ...after });
    } else {
      const { _id, ...fields } = after;
      const r = await col.updateOne({ _id, version: before.version, deleted_at: null }, {
        $set: fields,
      });
      if (r.matched === 0) throw preconditionFailed("The insight changed while it was written");
    }
    // The document is at the outbox row's version now: this instance's projector (and worker,
    // when there is a job) need not wait for their next poll.
    rememberWritten(ctx.stores.documents, after);
    const wakes = wakesOf(db);
    if (plan.project !== false) wakes.projector.notify();
    if (plan.process) wakes.worker.notify();
  } catch (err) {
    // The outbox row is harmless (the projector skips a version never reached); the job is not.
    if (plan.process && before === null) await dropQueuedJob(db, after._id).catch(() => {});
    throw err;
  } finally {
    await invalidateInsight(ctx, after);
  }
}

export async function invalidateInsight(
  ctx: Pick<InsightCtx, "cached">,
  d: { _id: string; owner_id: string },
) {
  await ctx.cached.invalidate(insightKey(d._id), { keys: [insightKey(d._id)] });
  await ctx.cached.invalidate(statsNamespace(d.owner_id));
}

export async function createInsight(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  input: InsightCreate,
  extra: Partial<Pick<InsightDoc, "status" | "status_reason" | "audio_key" | "_id">> = {},
): Promise<Insight> {
  await ctx.ready();
  const now = new Date(ctx.now());
  const doc: InsightDoc = {
    _id: extra._id ?? crypto.randomUUID(),
    title: input.title,
    body: input.body,
    tags: dedupe(input.tags),
    source: input.source,
    status: extra.status ?? "pending",
    status_reason: extra.status_reason ?? null,
    keywords: [],
    entities: [],
    owner_id: caller.userId,
    company_id: input.company_id ?? null,
    audio_key: extra.audio_key ?? null,
    version: 1,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await commitWrite(ctx, {
    actor,
    action: "create",
    before: null,
    after: doc,
    process: extra.status === undefined,
  });
  return toApi(doc);
}

const dedupe = (tags: readonly string[]) => [...new Set(tags.map((t) => t.trim()))];

async function writable(ctx: InsightCtx, caller: Caller, id: string, ifMatchHeader?: string) {
  const before = await liveDoc(ctx, id);
  if (!before || !canRead(caller, before)) throw notFound("No such insight");
  if (!canWrite(caller, before)) throw notFound("No such insight");
  if (!ifMatch(ifMatchHeader, before.version)) throw preconditionFailed();
  return before;
}

export async function updateInsight(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  id: string,
  patch: InsightPatch | InsightCreate,
  ifMatchHeader: string | undefined,
): Promise<Insight> {
  const before = await writable(ctx, caller, id, ifMatchHeader);
  const after: InsightDoc = {
    ...before,
    ...(patch.title !== undefined ? { title: patch.title } : {}),
    ...(patch.body !== undefined ? { body: patch.body } : {}),
    ...(patch.tags !== undefined ? { tags: dedupe(patch.tags) } : {}),
    ...(patch.source !== undefined ? { source: patch.source } : {}),
    ...(patch.company_id !== undefined ? { company_id: patch.company_id } : {}),
    version: before.version + 1,
    updated_at: new Date(ctx.now()),
  };
  const textChanged = after.title !== before.title || after.body !== before.body ||
    after.tags.join("\n") !== before.tags.join("\n");
  if (textChanged && before.audio_key === null) {
    after.status = "pending";
    after.status_reason = null;
  }
  await commitWrite(ctx, {
    actor,
    action: "update",
    before,
    after,
    process: textChanged && before.audio_key === null,
  });
  return toApi(after);
}

export async function deleteInsight(
  ctx: InsightCtx,
  caller: Caller,
  actor: AuditActor,
  id: string,
  ifMatchHeader: string | undefined,
): Promise<void> {
  const before = await writable(ctx, caller, id, ifMatchHeader);
  const now = new Date(ctx.now());
  const after: InsightDoc = {
    ...before,
    version: before.version + 1,
    updated_at: now,
    deleted_at: now,
  };
  await commitWrite(ctx, { actor, action: "delete", before, after, process: false });
}
