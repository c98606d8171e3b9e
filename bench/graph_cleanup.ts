/**
 * Removes the graph nodes a bench run projected. Neo4j Community has one database, which the
 * bench shares with the tests: a full run leaves ~5,000 insight nodes, and a day of runs made the
 * backup tests restore tens of thousands of them into their private Neo4j (minutes, not seconds).
 *
 * @module
 */
import { insightNode, userNode } from "../src/insights/graph_shape.ts";
import type { GraphStore } from "../src/stores/graph/port.ts";
import type { Queryable } from "../src/stores/relational/port.ts";

/** Deletes the Insight and User nodes of the insights and users in `db`; returns how many. */
export async function removeProjectedNodes(db: Queryable, graph: GraphStore): Promise<number> {
  const insights = await db.query<{ id: string }>(
    "select distinct insight_id::text as id from insight_jobs",
  );
  const users = await db.query<{ id: string }>("select id::text as id from users");
  const nodes = [
    ...insights.rows.map((r) => insightNode(r.id)),
    ...users.rows.map((r) => userNode(r.id)),
  ];
  let removed = 0;
  // A few in flight: one round trip each, thousands of them.
  for (let i = 0; i < nodes.length; i += 16) {
    const done = await Promise.all(nodes.slice(i, i + 16).map((n) => graph.deleteNode(n)));
    removed += done.filter(Boolean).length;
  }
  return removed;
}
