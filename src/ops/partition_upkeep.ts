// Monthly partitions of agent_logs and audit_logs made ahead of time: the current UTC month and
// the next few, so rows land in their month rather than the default partition. Every instance may
// run it; an advisory lock makes concurrent runs take turns (the SQL function is idempotent).
import type { Logger } from "../log.ts";
import type { RelationalStore } from "../stores/relational/port.ts";

export const PARTITIONED_TABLES = ["agent_logs", "audit_logs"] as const;
/** Months made ahead of the current one. */
export const MONTHS_AHEAD = 3;
const LOCK_KEY = "polystore:partition-upkeep";

/** The UTC months from `nowMs`'s to `ahead` months after it, as [year, month]. */
export function monthsFrom(nowMs: number, ahead: number): [number, number][] {
  const now = new Date(nowMs);
  const out: [number, number][] = [];
  for (let i = 0; i <= ahead; i++) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1));
    out.push([d.getUTCFullYear(), d.getUTCMonth() + 1]);
  }
  return out;
}

/**
 * Makes the partitions for `nowMs`'s month and MONTHS_AHEAD more (rows of those months already in
 * the default partition move into them). Returns the partitions that did not exist before.
 */
export async function ensurePartitions(
  db: RelationalStore,
  nowMs: number,
  ahead = MONTHS_AHEAD,
): Promise<string[]> {
  return await db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock(hashtext($1))", [LOCK_KEY]);
    const created: string[] = [];
    for (const [year, month] of monthsFrom(nowMs, ahead)) {
      for (const table of PARTITIONED_TABLES) {
        const name = `${table}_${year}_${String(month).padStart(2, "0")}`;
        const exists = await tx.query("select to_regclass($1) is not null as present", [name]);
        if (exists.rows[0].present) continue;
        await tx.query("select create_monthly_partition($1, $2, $3)", [table, year, month]);
        created.push(name);
      }
    }
    return created;
  });
}

/** Runs ensurePartitions now and every `everyMs`; returns a stop function. */
export function startPartitionUpkeep(
  db: RelationalStore,
  log: Logger,
  everyMs: number,
  now: () => number = Date.now,
): () => void {
  const run = async () => {
    try {
      const created = await ensurePartitions(db, now());
      if (created.length > 0) log.info("monthly partitions created", { partitions: created });
    } catch (err) {
      log.warn("partition upkeep failed; rows go to the default partition meanwhile", {
        error: String(err),
      });
    }
  };
  void run();
  const timer = setInterval(run, everyMs);
  return () => clearInterval(timer);
}
