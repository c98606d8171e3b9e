/**
 * The processing worker (seed 002's async processing): takes queued jobs, extracts keywords and
 * entities against the owner's corpus, marks the insight processed, and links it to the owner's
 * similar insights with `origin: "auto"` relationships whose strength is in 0..1. Failures retry
 * with backoff; after the last attempt the insight is marked `failed` with the reason.
 * @module
 */
import type { AuditActor } from "../audit/record.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { asInsightDoc, type InsightDoc, insightsOf } from "./documents.ts";
import {
  cosine,
  documentFrequencies,
  extractEntities,
  jaccard,
  tfidf,
  tokenize,
  topTerms,
} from "./nlp.ts";
import { CorpusCache } from "./corpus_cache.ts";
import { featuresOf } from "./text_features.ts";
import { claimJobs, failJob, finishJob, type Job } from "./queue.ts";
import {
  insertAutoRelationship,
  softDeleteRelationships,
  updateStrength,
} from "./relationships_repo.ts";
import { commitWrite, type InsightCtx } from "./service.ts";
import { wakesOf } from "./wake.ts";
import { lastWritten, writing } from "./written.ts";

/** An extra step run before the NLP (e.g. a transcriber); throwing fails the attempt. */
export type Processor = (doc: InsightDoc) => Promise<void>;

export interface ProcessingOptions {
  maxAttempts?: number;
  maxBackoffMs?: number;
  batch?: number;
  processors?: readonly Processor[];
  /** Auto relationships weaker than this are not kept. */
  minStrength?: number;
  /** At most this many auto relationships from one insight. */
  maxLinks?: number;
  /** Jobs run at once. */
  concurrency?: number;
  /** Owners' corpora kept between passes (the running worker has one); else read per pass. */
  corpus?: CorpusCache;
}

const SYSTEM: AuditActor = { userId: null, ip: null, userAgent: null, requestId: null };
const CORPUS_LIMIT = 200;
/** How stale the running worker's corpora may get (corpus_cache.ts says what that costs). */
const CORPUS_TTL_MS = 2_000;

const textOf = (d: InsightDoc) => `${d.title}\n${d.body}`;

interface Candidate {
  id: string;
  strength: number;
}

/** Keywords, entities and the owner's insights this one relates to, strongest first. */
export function analyse(doc: InsightDoc, corpus: readonly InsightDoc[], minStrength: number) {
  const others = corpus.filter((d) => d._id !== doc._id);
  const tokens = new Map<string, string[]>();
  const entityTexts = new Map<string, string[]>();
  for (const d of others) {
    const f = featuresOf(d._id, textOf(d));
    tokens.set(d._id, f.tokens);
    entityTexts.set(d._id, f.entityTexts);
  }
  tokens.set(doc._id, tokenize(textOf(doc)));
  const df = documentFrequencies([...tokens.values()]);
  const n = tokens.size;
  const vec = tfidf(tokens.get(doc._id)!, df, n);
  const keywords = topTerms(vec, 8);
  const entities = extractEntities(textOf(doc));
  const mine = [...keywords, ...entities.map((e) => e.text)];
  const candidates: Candidate[] = [];
  for (const o of others) {
    const ov = tfidf(tokens.get(o._id)!, df, n);
    const theirs = [...topTerms(ov, 8), ...entityTexts.get(o._id)!];
    const strength = Math.min(
      1,
      0.6 * cosine(vec, ov) + 0.25 * jaccard(mine, theirs) + 0.15 * jaccard(doc.tags, o.tags),
    );
    if (strength >= minStrength) {
      candidates.push({ id: o._id, strength: Math.round(strength * 1000) / 1000 });
    }
  }
  candidates.sort((a, b) => b.strength - a.strength || (a.id < b.id ? -1 : 1));
  return { keywords, entities, candidates };
}

/** A corpus cache over the owner's insights in the documents store, re-read after `ttlMs`. */
export function newCorpusCache(ctx: InsightCtx, ttlMs: number): CorpusCache {
  return new CorpusCache((ownerId) => corpusOf(ctx, ownerId), ttlMs, CORPUS_LIMIT);
}

async function corpusOf(ctx: InsightCtx, ownerId: string): Promise<InsightDoc[]> {
  const page = await insightsOf(ctx.stores.documents).find(
    { owner_id: ownerId, deleted_at: null },
    { sort: { created_at: -1, _id: -1 }, limit: CORPUS_LIMIT },
  );
  return page.items.map(asInsightDoc);
}

/** Replaces the insight's outgoing auto relationships with `candidates` (one transaction). */
async function link(ctx: InsightCtx, doc: InsightDoc, candidates: Candidate[], job: Job) {
  await ctx.stores.relational.transaction(async (tx) => {
    const current = await tx.query<{ id: string; target_id: string; strength: number }>(
      `select id, target_id, strength from insight_relationships
        where source_id = $1 and origin = 'auto' and deleted_at is null`,
      [doc._id],
    );
    const byTarget = new Map(current.rows.map((r) => [r.target_id, r]));
    // Any other live link between the two (manual, or auto the other way) stands as it is.
    const linked = await tx.query<{ other: string }>(
      `select case when source_id = $1 then target_id else source_id end::text as other
         from insight_relationships
        where deleted_at is null
          and ((source_id = $1 and target_id = any($2::uuid[]))
            or (target_id = $1 and source_id = any($2::uuid[])))`,
      [doc._id, candidates.map((c) => c.id)],
    );
    const other = new Set(linked.rows.map((r) => r.other));
    const keep = new Set<string>();
    for (const c of candidates) {
      const mineAuto = byTarget.get(c.id);
      if (mineAuto) {
        keep.add(mineAuto.id);
        if (Math.abs(Number(mineAuto.strength) - c.strength) > 0.001) {
          await updateStrength(tx, mineAuto.id, c.strength);
        }
        continue;
      }
      if (other.has(c.id)) continue;
      await insertAutoRelationship(tx, {
        source_id: doc._id,
        target_id: c.id,
        owner_id: doc.owner_id,
        type: "related",
        strength: c.strength,
        origin: "auto",
      });
    }
    const stale = current.rows.filter((r) => !keep.has(r.id)).map((r) => r.id);
    await softDeleteRelationships(tx, stale);
    await tx.query(
      `update insight_jobs set status = 'done', finished_at = now(), lease_until = null
        where id = $1::bigint`,
      [job.id],
    );
  });
  wakesOf(ctx.stores.relational).projector.notify();
}

/**
 * Writes the insight's `status` (with a new version, so its ETag changes too). Returns the doc as
 * written, or null when an edit got there first and queued its own job (which will process the
 * new text, so this job has nothing left to do).
 */
async function setStatus(
  ctx: InsightCtx,
  job: Job,
  doc: InsightDoc,
  change: Partial<InsightDoc> & Pick<InsightDoc, "status" | "status_reason">,
  project = true,
): Promise<InsightDoc | null> {
  const after: InsightDoc = {
    ...doc,
    ...change,
    version: doc.version + 1,
    updated_at: new Date(ctx.now()),
  };
  try {
    await commitWrite(ctx, {
      actor: SYSTEM,
      action: "process",
      before: doc,
      after,
      process: false,
      project,
    });
    return after;
  } catch (err) {
    if (err instanceof AppError && err.status === 412 && await newerJob(ctx, job)) return null;
    throw err;
  }
}

async function runJob(
  ctx: InsightCtx,
  job: Job,
  opts: Settings,
  corpora: CorpusCache,
) {
  const found = await jobDoc(ctx, job);
  // The job commits before the document is written (outbox.ts): a missing one is retried.
  if (found === null) throw new Error("the insight document is not written yet");
  if (found.deleted_at !== null) return await finishJob(ctx.stores.relational, job.id);
  // Claimed: the document says so while the work runs (readers see `processing`).
  const doc = found.status === "processing"
    ? found
    : await setStatus(ctx, job, found, { status: "processing", status_reason: null }, false);
  if (doc === null) return await finishJob(ctx.stores.relational, job.id);
  for (const p of opts.processors) await p(doc);
  await corpora.put(doc);
  const fetched = await corpora.get(doc.owner_id, Date.now());
  const corpus = [doc, ...fetched.filter((d) => d._id !== doc._id)];
  const { keywords, entities, candidates } = analyse(doc, corpus, opts.minStrength);
  const after = await setStatus(ctx, job, doc, {
    keywords,
    entities,
    status: "processed",
    status_reason: null,
  });
  if (after === null) return await finishJob(ctx.stores.relational, job.id);
  await corpora.put(after);
  await link(ctx, after, candidates.slice(0, opts.maxLinks), job);
}

/**
 * The job's insight: on a first attempt, as this instance last wrote it, if it did (a copy that
 * another instance has since changed fails the version-guarded write; the retry reads the store).
 */
async function jobDoc(ctx: InsightCtx, job: Job): Promise<InsightDoc | null> {
  // A worker woken by one write can claim the job of another whose document is still on its way
  // (the job commits first): on a first attempt, give that write a moment rather than a retry,
  // whose backoff, poll and store read would add to the lag.
  const docs = ctx.stores.documents;
  const waits = job.attempts === 1 ? DOC_WAITS_MS : [];
  for (let i = 0;; i++) {
    // This instance's own write in flight: its result, not the version before it, is the input.
    if (i < waits.length && writing(docs, job.insight_id, 0)) {
      await new Promise((r) => setTimeout(r, waits[i]));
      continue;
    }
    const mine = job.attempts === 1 ? lastWritten(docs, job.insight_id) : undefined;
    if (mine) return mine;
    const raw = await insightsOf(docs).findOne({ _id: job.insight_id });
    if (raw) return asInsightDoc(raw);
    if (i >= waits.length) return null;
    await new Promise((r) => setTimeout(r, waits[i]));
  }
}

/** Pauses before re-reading a first attempt's missing document (about 0.3 s in all). */
const DOC_WAITS_MS = [20, 40, 80, 160];

async function newerJob(ctx: InsightCtx, job: Job): Promise<boolean> {
  const r = await ctx.stores.relational.query(
    "select 1 from insight_jobs where insight_id = $1 and status = 'queued'",
    [job.insight_id],
  );
  return r.rowCount > 0;
}

/**
 * After a failed attempt, a document left `processing` goes back to `pending` with the reason (a
 * retry is due), or to `failed` after the last attempt.
 */
async function markAttemptFailed(ctx: InsightCtx, job: Job, reason: string, last: boolean) {
  const raw = await insightsOf(ctx.stores.documents).findOne({ _id: job.insight_id });
  const doc = raw ? asInsightDoc(raw) : null;
  if (doc === null || doc.deleted_at !== null) return;
  if (!last && doc.status !== "processing") return;
  const status_reason = last
    ? `processing failed after ${job.attempts} attempts: ${reason}`
    : `attempt ${job.attempts} failed, will retry: ${reason}`;
  await setStatus(ctx, job, doc, {
    status: last ? "failed" : "pending",
    status_reason: status_reason.slice(0, 500),
  });
}

type Settings = Required<Omit<ProcessingOptions, "corpus">>;

export function processingOptions(o: ProcessingOptions = {}): Settings {
  return {
    maxAttempts: o.maxAttempts ?? 3,
    maxBackoffMs: o.maxBackoffMs ?? 5_000,
    batch: o.batch ?? 8,
    processors: o.processors ?? [],
    minStrength: o.minStrength ?? 0.2,
    maxLinks: o.maxLinks ?? 5,
    concurrency: o.concurrency ?? 8,
  };
}

/** Runs one claimed job; a failure is recorded (retry with backoff, or `failed`), never thrown. */
async function runOne(
  ctx: InsightCtx,
  log: Logger,
  opts: Settings,
  corpora: CorpusCache,
  job: Job,
): Promise<void> {
  try {
    await runJob(ctx, job, opts, corpora);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log.warn("insight processing failed", {
      insight_id: job.insight_id,
      attempt: job.attempts,
      error: reason,
    });
    try {
      const last = await failJob(
        ctx.stores.relational,
        job,
        reason,
        opts.maxAttempts,
        opts.maxBackoffMs,
      );
      await markAttemptFailed(ctx, job, reason, last).catch(() => {});
    } catch (failErr) {
      // The job's lease runs out and another pass claims it again.
      log.warn("insight job failure not recorded", {
        insight_id: job.insight_id,
        error: String(failErr),
      });
    }
  }
}

const JOB_LEASE_MS = 60_000;

/** Claims and runs one batch of due jobs; returns how many were claimed. */
export async function processOnce(
  ctx: InsightCtx,
  log: Logger,
  options: ProcessingOptions = {},
): Promise<number> {
  const opts = processingOptions(options);
  const jobs = await claimJobs(ctx.stores.relational, opts.batch, JOB_LEASE_MS);
  // Without a kept cache, each owner's corpus is read once for this pass.
  const corpora = options.corpus ?? newCorpusCache(ctx, Infinity);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await runOne(ctx, log, opts, corpora, jobs[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, jobs.length) }, worker));
  return jobs.length;
}

/**
 * Keeps up to `concurrency` jobs running until the returned stop is called: a slot that frees is
 * refilled at once, so one slow job never holds back the jobs queued behind it (a batch that waits
 * for its slowest job did, and that wait was most of the lag's p99). With nothing due it sleeps
 * until a write on this instance wakes it or `intervalMs` passes.
 */
export function startProcessing(
  ctx: InsightCtx,
  log: Logger,
  options: ProcessingOptions & { intervalMs?: number },
): () => Promise<void> {
  let stopped = false;
  const opts = processingOptions(options);
  const corpora = options.corpus ?? newCorpusCache(ctx, CORPUS_TTL_MS);
  const wake = wakesOf(ctx.stores.relational).worker;
  const running = new Set<Promise<void>>();
  const loop = (async () => {
    while (!stopped) {
      const free = opts.concurrency - running.size;
      if (free <= 0) {
        await Promise.race(running);
        continue;
      }
      let claimed: Job[] = [];
      try {
        claimed = await claimJobs(ctx.stores.relational, Math.min(free, opts.batch), JOB_LEASE_MS);
      } catch (err) {
        log.warn("insight processing pass failed", { error: String(err) });
      }
      for (const job of claimed) {
        const run: Promise<void> = runOne(ctx, log, opts, corpora, job)
          .finally(() => running.delete(run));
        running.add(run);
      }
      // A full claim may have left more due jobs behind; otherwise wait for new work.
      if (claimed.length > 0 && claimed.length === Math.min(free, opts.batch)) continue;
      await wake.wait(options.intervalMs ?? 200);
    }
    await Promise.all(running);
  })();
  return async () => {
    stopped = true;
    wake.notify();
    await loop;
  };
}
