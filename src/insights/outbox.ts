/**
 * The graph projection outbox (relational table `insight_outbox`) and its per-aggregate leases.
 *
 * Why it is sound across stores: an insight write first commits, in one relational transaction,
 * its outbox row (with the version the document is about to reach), its audit row and its
 * processing job; only then is the document written. The projector projects the document's
 * CURRENT state, never the event's payload, so replaying, reordering or duplicating rows is
 * harmless. A row whose version the document has not reached yet (the document write is still in
 * flight, or failed after the commit) is retried, and after a grace period skipped: the document
 * is the truth and the graph then gets whatever the document says. Relationships live in the
 * relational store, so their row and outbox row share one transaction. Several instances never
 * project one aggregate at once: each holds a lease row (insert-or-take-if-expired) first.
 * @module
 */
import type { Queryable } from "../stores/relational/port.ts";

export type AggregateType = "insight" | "relationship";

/** Records that `aggregate` must be projected at `version`; run inside the change's transaction. */
export async function recordOutbox(
  tx: Queryable,
  type: AggregateType,
  id: string,
  version: number,
): Promise<void> {
  await tx.query(
    `insert into insight_outbox (aggregate_type, aggregate_id, version) values ($1, $2, $3)`,
    [type, id, version],
    { name: "insight_outbox_insert" },
  );
}

/** Pending work for one aggregate: every unprocessed row up to `maxId`. */
export interface PendingAggregate {
  type: AggregateType;
  id: string;
  maxId: string;
  version: number;
  firstAt: Date;
  attempts: number;
}

/** Aggregates with due rows, longest due first (a row put off by a retry goes to the back). */
export async function dueAggregates(db: Queryable, limit: number): Promise<PendingAggregate[]> {
  const r = await db.query<{
    aggregate_type: AggregateType;
    aggregate_id: string;
    max_id: string;
    version: string;
    first_at: Date;
    attempts: number;
  }>(
    `select aggregate_type, aggregate_id, max(id)::text as max_id, max(version)::text as version,
            min(created_at) as first_at, max(attempts) as attempts
       from insight_outbox
      where processed_at is null and next_attempt_at <= now()
      group by aggregate_type, aggregate_id
      order by min(next_attempt_at), min(id)
      limit $1`,
    [limit],
    { name: "insight_outbox_due" },
  );
  return r.rows.map((row) => ({
    type: row.aggregate_type,
    id: row.aggregate_id,
    maxId: row.max_id,
    version: Number(row.version),
    firstAt: new Date(row.first_at),
    attempts: Number(row.attempts),
  }));
}

/** Takes the aggregate's lease for `ms` unless another owner holds a live one. */
export async function takeLease(
  db: Queryable,
  id: string,
  owner: string,
  ms: number,
): Promise<boolean> {
  const r = await db.query(
    `insert into insight_projection_leases (aggregate_id, owner, until)
     values ($1, $2, now() + make_interval(secs => $3::double precision / 1000))
     on conflict (aggregate_id) do update set owner = excluded.owner, until = excluded.until
       where insight_projection_leases.until < now()
          or insight_projection_leases.owner = excluded.owner
     returning aggregate_id`,
    [id, owner, ms],
    { name: "insight_lease_take" },
  );
  return r.rowCount > 0;
}

/** Takes the leases of every id it can (as `takeLease`, in one statement); returns those taken. */
export async function takeLeases(
  db: Queryable,
  ids: readonly string[],
  owner: string,
  ms: number,
): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const r = await db.query<{ aggregate_id: string }>(
    `insert into insight_projection_leases (aggregate_id, owner, until)
     select id, $2, now() + make_interval(secs => $3::double precision / 1000)
       from unnest($1::uuid[]) as t(id)
     on conflict (aggregate_id) do update set owner = excluded.owner, until = excluded.until
       where insight_projection_leases.until < now()
          or insight_projection_leases.owner = excluded.owner
     returning aggregate_id::text`,
    [ids, owner, ms],
    { name: "insight_leases_take" },
  );
  return new Set(r.rows.map((x) => x.aggregate_id));
}

export async function releaseLeases(db: Queryable, ids: readonly string[], owner: string) {
  if (ids.length === 0) return;
  await db.query(
    `delete from insight_projection_leases where aggregate_id = any($1::uuid[]) and owner = $2`,
    [ids, owner],
    { name: "insight_leases_release" },
  );
}

export async function releaseLease(db: Queryable, id: string, owner: string): Promise<void> {
  await db.query(
    `delete from insight_projection_leases where aggregate_id = $1 and owner = $2`,
    [id, owner],
    { name: "insight_lease_release" },
  );
}

export type Outcome = "applied" | "skipped" | "stale";

/** Marks the aggregate's rows up to `maxId` done. */
export async function markDone(
  db: Queryable,
  agg: PendingAggregate,
  outcome: Outcome,
): Promise<void> {
  await db.query(
    `update insight_outbox set processed_at = now(), outcome = $3
      where aggregate_id = $1 and processed_at is null and id <= $2::bigint`,
    [agg.id, agg.maxId, outcome],
    { name: "insight_outbox_done" },
  );
}

/** Marks several aggregates' rows done in one statement (as `markDone` each). */
export async function markDoneMany(
  db: Queryable,
  items: readonly { agg: PendingAggregate; outcome: Outcome }[],
): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `update insight_outbox o set processed_at = now(), outcome = x.outcome
       from unnest($1::uuid[], $2::bigint[], $3::text[]) as x(id, max_id, outcome)
      where o.aggregate_id = x.id and o.processed_at is null and o.id <= x.max_id`,
    [items.map((i) => i.agg.id), items.map((i) => i.agg.maxId), items.map((i) => i.outcome)],
    { name: "insight_outbox_done_many" },
  );
}

/** Backoff before retry n (1-based): 100 ms doubling, capped at `capMs`. */
export const backoffMs = (attempt: number, capMs: number) =>
  Math.min(capMs, 100 * 2 ** Math.max(0, attempt - 1));

/** Puts the aggregate's rows off for a backoff and records why. */
export async function markRetry(
  db: Queryable,
  agg: PendingAggregate,
  error: string,
  capMs: number,
): Promise<void> {
  await db.query(
    `update insight_outbox
        set attempts = attempts + 1, last_error = left($3, 500),
            next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
      where aggregate_id = $1 and processed_at is null and id <= $2::bigint`,
    [agg.id, agg.maxId, error, backoffMs(agg.attempts + 1, capMs)],
    { name: "insight_outbox_retry" },
  );
}

/** Backlog size and the age of its oldest row. */
export async function backlog(db: Queryable): Promise<{ count: number; oldestMs: number | null }> {
  const r = await db.query<{ n: string; age_ms: number | null }>(
    `select count(*)::text as n,
            (extract(epoch from now() - min(created_at)) * 1000)::float8 as age_ms
       from insight_outbox where processed_at is null`,
  );
  const row = r.rows[0];
  return {
    count: Number(row.n),
    oldestMs: row.age_ms === null ? null : Math.max(0, Math.round(Number(row.age_ms))),
  };
}

/** Drops processed rows older than `keepMs` (run now and then by the projector). */
export async function pruneProcessed(db: Queryable, keepMs: number): Promise<number> {
  const r = await db.query(
    `delete from insight_outbox
      where processed_at is not null
        and processed_at < now() - make_interval(secs => $1::double precision / 1000)`,
    [keepMs],
  );
  return r.rowCount;
}
