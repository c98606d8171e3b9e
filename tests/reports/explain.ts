// Reads the plan of a query the way the routes run it: EXPLAIN (FORMAT JSON) with the same SQL
// and parameters, with the planner left alone. A few test rows would make any table scan look
// cheapest, so the plan is read at volume: rows shaped like a few years of use are inserted and
// ANALYZEd inside a transaction that is then rolled back, statistics included.
import type { RelationalStore } from "../../src/stores/relational/port.ts";

export interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
  [k: string]: unknown;
}

/** Every node of the plan, depth first. */
export function planNodes(root: PlanNode): PlanNode[] {
  return [root, ...(root.Plans ?? []).flatMap(planNodes)];
}

class RolledBack extends Error {}

/**
 * The root plan node of each query, planned after `volume` (statements inserting rows) and
 * ANALYZE of `analyze` ran in the same transaction; all of it is rolled back afterwards.
 */
export async function explainAtVolume(
  db: RelationalStore,
  volume: readonly string[],
  analyze: readonly string[],
  queries: readonly { sql: string; params: readonly unknown[] }[],
): Promise<PlanNode[]> {
  const plans: PlanNode[] = [];
  try {
    await db.transaction(async (tx) => {
      for (const statement of volume) await tx.query(statement);
      for (const table of analyze) await tx.query(`analyze ${table}`);
      for (const { sql, params } of queries) {
        const r = await tx.query<{ "QUERY PLAN": unknown }>(`explain (format json) ${sql}`, params);
        const raw = r.rows[0]["QUERY PLAN"];
        const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
        plans.push(doc[0].Plan);
      }
      throw new RolledBack();
    });
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err;
  }
  if (plans.length !== queries.length) throw new Error("plans missing");
  return plans;
}

/**
 * The names an index goes by in plans: itself and, for an index on a partitioned table, the
 * per-partition indexes attached to it (plans name those).
 */
export async function indexFamily(db: RelationalStore, index: string): Promise<Set<string>> {
  const r = await db.query<{ name: string }>(
    `select c.relname as name
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = $1::regclass`,
    [index],
  );
  return new Set([index, ...r.rows.map((x) => x.name)]);
}

/** Partitions of `table` (or the table itself when it is not partitioned). */
export async function tableFamily(db: RelationalStore, table: string): Promise<Set<string>> {
  const r = await db.query<{ name: string }>(
    `select c.relname as name
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = $1::regclass`,
    [table],
  );
  return new Set([table, ...r.rows.map((x) => x.name)]);
}
