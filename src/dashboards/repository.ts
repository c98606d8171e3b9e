/**
 * SQL for dashboards and their metric samples. Every statement names the owner, so a dashboard
 * of another user is simply not found.
 *
 * @module
 */
import type { Queryable } from "../stores/relational/port.ts";
import { cursorTs, type KeysetPosition } from "../shared/keyset_cursor.ts";
import type { MetricSample } from "./schemas.ts";

export type DashboardRow = {
  id: string;
  name: string;
  user_id: string;
  created_at: string;
  updated_at: string;
  /** updated_at with microseconds: the ETag. */
  version: string;
  /** created_at with microseconds: the list cursor. */
  cursor_ts: string;
};

const COLUMNS = `id, name, user_id,
  ${cursorTs("created_at")} as created_at,
  ${cursorTs("updated_at")} as updated_at,
  ${cursorTs("updated_at")} as version,
  ${cursorTs("created_at")} as cursor_ts`;

/** The dashboard as the API shows it (no internal columns). */
export function publicDashboard(row: DashboardRow) {
  return {
    id: row.id,
    name: row.name,
    user_id: row.user_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function insertDashboard(
  db: Queryable,
  userId: string,
  name: string,
): Promise<DashboardRow> {
  const r = await db.query<DashboardRow>(
    `insert into dashboards (user_id, name) values ($1, $2) returning ${COLUMNS}`,
    [userId, name],
  );
  return r.rows[0];
}

/** The owner's dashboard, locked for update when `forUpdate`; null when absent or not theirs. */
export async function findDashboard(
  db: Queryable,
  userId: string,
  id: string,
  forUpdate = false,
): Promise<DashboardRow | null> {
  const r = await db.query<DashboardRow>(
    `select ${COLUMNS} from dashboards where id = $1 and user_id = $2${
      forUpdate ? " for update" : ""
    }`,
    [id, userId],
    { name: forUpdate ? "dashboard_find_for_update" : "dashboard_find" },
  );
  return r.rows[0] ?? null;
}

/** One page of the owner's dashboards, newest first; `limit + 1` rows tell whether more follow. */
export async function listDashboards(
  db: Queryable,
  userId: string,
  limit: number,
  after: KeysetPosition | null,
): Promise<DashboardRow[]> {
  const r = await db.query<DashboardRow>(
    `select ${COLUMNS} from dashboards
      where user_id = $1
        and ($2::timestamptz is null or (created_at, id) < ($2::timestamptz, $3::uuid))
      order by created_at desc, id desc
      limit $4`,
    [userId, after?.ts ?? null, after?.id ?? null, limit + 1],
    { name: "dashboard_list" },
  );
  return r.rows;
}

export async function renameDashboard(
  db: Queryable,
  id: string,
  name: string,
): Promise<DashboardRow> {
  const r = await db.query<DashboardRow>(
    `update dashboards set name = $2 where id = $1 returning ${COLUMNS}`,
    [id, name],
  );
  return r.rows[0];
}

export async function deleteDashboard(db: Queryable, id: string): Promise<void> {
  await db.query("delete from dashboards where id = $1", [id]);
}

/**
 * Inserts samples in one statement (arrays unnested), stamped with `now` when they carry no
 * timestamp; the default period is '24h'.
 */
export async function insertMetrics(
  db: Queryable,
  userId: string,
  dashboardId: string,
  samples: readonly MetricSample[],
  now: Date,
): Promise<number> {
  const col = <K extends keyof MetricSample>(k: K) => samples.map((s) => s[k] ?? null);
  const r = await db.query(
    `insert into metrics (user_id, dashboard_id, ia_efficiency, model_accuracy,
                          processing_time_ms, memory_usage_mb, error_rate, "timestamp", periodo)
     select $1, $2, s.ia, s.acc, s.pt, s.mem, s.err, coalesce(s.ts, $10), coalesce(s.per, '24h')
       from unnest($3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float8[],
                   $8::timestamptz[], $9::text[]) as s(ia, acc, pt, mem, err, ts, per)`,
    [
      userId,
      dashboardId,
      col("ia_efficiency"),
      col("model_accuracy"),
      col("processing_time_ms"),
      col("memory_usage_mb"),
      col("error_rate"),
      col("timestamp"),
      col("periodo"),
      now,
    ],
    { name: "metrics_insert" },
  );
  return r.rowCount;
}
