// Partition upkeep on both profiles: the current month and the next three are made for both
// partitioned tables, rows already parked in the default partition move into their month, a second
// run (or a concurrent one) changes nothing.
import assert from "node:assert/strict";
import { ensurePartitions, monthsFrom } from "../src/ops/partition_upkeep.ts";
import { apiTest } from "./support/api.ts";

Deno.test("monthsFrom crosses the year in UTC", () => {
  assert.deepEqual(monthsFrom(Date.UTC(2031, 10, 30, 23, 59), 3), [
    [2031, 11],
    [2031, 12],
    [2032, 1],
    [2032, 2],
  ]);
});

apiTest("partitions: months ahead are made and the default partition drains", async (t, api) => {
  const db = api.stores.relational;
  // A year no other test writes: 2090 + a random offset keeps server runs apart.
  const year = 2090 + Math.floor(Math.random() * 9);
  const now = Date.UTC(year, 4, 15); // mid-May
  const months = ["05", "06", "07", "08"];
  const names = months.flatMap((m) => [`agent_logs_${year}_${m}`, `audit_logs_${year}_${m}`]);
  const partitionOf = async (id: string) =>
    (await db.query<{ part: string }>(
      "select tableoid::regclass::text as part from audit_logs where id = $1",
      [id],
    )).rows[0]?.part;

  try {
    const parked = await db.query<{ id: string }>(
      `insert into audit_logs (action, resource_type, created_at)
       values ('test', 'partitions', $1) returning id`,
      [new Date(Date.UTC(year, 5, 10))],
    );
    const id = parked.rows[0].id;
    assert.equal(await partitionOf(id), "audit_logs_default", "no June partition yet");

    await t.step("one run makes four months of both tables", async () => {
      const [a, b] = await Promise.all([ensurePartitions(db, now), ensurePartitions(db, now)]);
      assert.deepEqual(
        [...a, ...b].sort(),
        [...names].sort(),
        "each made once, by one of the runs",
      );
      const r = await db.query<{ name: string }>(
        "select relname as name from pg_class where relname = any($1::text[])",
        [names],
      );
      assert.equal(r.rowCount, names.length);
    });

    await t.step("the parked row moved into its month", async () => {
      assert.equal(await partitionOf(id), `audit_logs_${year}_06`);
    });

    await t.step("a second run makes nothing", async () => {
      assert.deepEqual(await ensurePartitions(db, now), []);
    });
  } finally {
    for (const name of names) await db.query(`drop table if exists ${name}`);
  }
});
