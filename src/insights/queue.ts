/**
 * The processing queue (relational table `insight_jobs`): it survives restarts and is shared by
 * every instance. Workers claim jobs with FOR UPDATE SKIP LOCKED and a lease; a job whose worker
 * died is claimed again once its lease runs out. Failures back off; the last one marks it failed.
 * @module
 */
import type { Queryable } from "../stores/relational/port.ts";
import { backoffMs } from "./outbox.ts";

export interface Job {
  id: string;
  insight_id: string;
  owner_id: string;
  attempts: number;
  created_at: Date;
}

/** Queues processing of an insight (one queued job per insight at a time). */
export async function enqueueJob(tx: Queryable, insightId: string, ownerId: string) {
  await tx.query(
    `insert into insight_jobs (insight_id, owner_id) values ($1, $2)
     on conflict (insight_id) where status = 'queued' do nothing`,
    [insightId, ownerId],
    { name: "insight_job_enqueue" },
  );
}

/** Removes a queued job (its write did not happen). */
export async function dropQueuedJob(tx: Queryable, insightId: string) {
  await tx.query(`delete from insight_jobs where insight_id = $1 and status = 'queued'`, [
    insightId,
  ]);
}

/** Claims up to `limit` due jobs for `leaseMs`. */
export async function claimJobs(db: Queryable, limit: number, leaseMs: number): Promise<Job[]> {
  const r = await db.query<Job & Record<string, unknown>>(
    `update insight_jobs j
        set status = 'running', attempts = attempts + 1,
            lease_until = now() + make_interval(secs => $2::double precision / 1000)
      where j.id in (
        select id from insight_jobs
         where (status = 'queued' and next_attempt_at <= now())
            or (status = 'running' and lease_until < now())
         order by id limit $1 for update skip locked)
      returning j.id::text as id, j.insight_id, j.owner_id, j.attempts, j.created_at`,
    [limit, leaseMs],
    { name: "insight_job_claim" },
  );
  return r.rows;
}

export async function finishJob(db: Queryable, id: string) {
  await db.query(
    `update insight_jobs set status = 'done', finished_at = now(), lease_until = null
      where id = $1::bigint`,
    [id],
    { name: "insight_job_done" },
  );
}

/**
 * Records a failed attempt: back to `queued` after a backoff, or `failed` for good once
 * `maxAttempts` are spent. Returns true when it was the last attempt.
 */
export async function failJob(
  db: Queryable,
  job: Job,
  error: string,
  maxAttempts: number,
  maxBackoffMs: number,
): Promise<boolean> {
  const last = job.attempts >= maxAttempts;
  // A newer queued job for the same insight may exist: then this one just ends as failed.
  await db.query(
    `update insight_jobs
        set status = case when $3 or exists (select 1 from insight_jobs q
                      where q.insight_id = insight_jobs.insight_id and q.status = 'queued')
                     then 'failed' else 'queued' end,
            last_error = left($2, 500), lease_until = null,
            finished_at = case when $3 then now() end,
            next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
      where id = $1::bigint`,
    [job.id, error, last, backoffMs(job.attempts, maxBackoffMs)],
  );
  return last;
}

/** Processing lag (queued to done) percentiles over the owner's recent jobs, or all when null. */
export async function processingLag(
  db: Queryable,
  ownerId: string | null,
): Promise<{ p50: number | null; p99: number | null }> {
  const r = await db.query<{ p50: number | null; p99: number | null }>(
    `select percentile_cont(0.5) within group (order by ms) as p50,
            percentile_cont(0.99) within group (order by ms) as p99
       from (select extract(epoch from finished_at - created_at) * 1000 as ms
               from insight_jobs
              where status = 'done' and finished_at is not null
                and ($1::uuid is null or owner_id = $1::uuid)
              order by finished_at desc limit 5000) t`,
    [ownerId],
  );
  const row = r.rows[0];
  const num = (v: unknown) => (v === null || v === undefined ? null : Math.round(Number(v)));
  return { p50: num(row?.p50), p99: num(row?.p99) };
}
