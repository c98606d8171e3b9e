// Reads the plan of a query the way the routes run it: EXPLAIN (FORMAT JSON) with the same SQL
// and parameters, inside a transaction with sequential scans priced out (SET LOCAL), so tiny test
// tables cannot make a table scan look cheaper than the index the query is meant to use.
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

/** The root plan node of `sql` with `params`. */
export async function explain(
  db: RelationalStore,
  sql: string,
  params: readonly unknown[],
): Promise<PlanNode> {
  return await db.transaction(async (tx) => {
    await tx.query("set local enable_seqscan = off");
    const r = await tx.query<{ "QUERY PLAN": unknown }>(`explain (format json) ${sql}`, params);
    const raw = r.rows[0]["QUERY PLAN"];
    const doc = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
    return doc[0].Plan;
  });
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
