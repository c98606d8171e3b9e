// The embedded store the API uses (PGlite on a worker thread): the relational contract, and what
// happens when a statement runs away.
import assert from "node:assert/strict";
import { isStoreError } from "../../src/stores/errors.ts";
import { openSupervisedPglite } from "../../src/stores/relational/pglite_supervisor.ts";
import { relationalContract } from "./relational_contract.ts";

/** Counts forever: one row in its work table at a time, so it holds the thread, not memory. */
const RUNAWAY = `with recursive r(n) as (select 1 union all select n + 1 from r)
                 select count(*) from r`;

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < end, `${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

Deno.test("relational contract: pglite on its own thread (memory)", async (t) => {
  await relationalContract(
    t,
    () => openSupervisedPglite("memory://", { statementTimeoutMs: 15_000 }),
  );
});

Deno.test("relational: a runaway statement on the embedded thread is ended, and the folder reopened", async (t) => {
  const dir = await Deno.makeTempDir();
  const warnings: string[] = [];
  const db = await openSupervisedPglite(dir, {
    statementTimeoutMs: 1000,
    warn: (message) => warnings.push(message),
  });
  const got: string[] = [];
  const seen: string[] = [];
  const stop = await db.listen("runaway_events", (p) => got.push(p), {
    onInterrupted: () => seen.push("interrupted"),
    onResumed: () => seen.push("resumed"),
  });
  try {
    await db.exec("create table kept (v text); insert into kept values ('before');");

    await t.step("the statement fails as unavailable while this thread stays free", async () => {
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 20);
      const started = performance.now();
      const runaway = db.query(RUNAWAY);
      const queued = db.query("select v from kept");
      try {
        await assert.rejects(runaway, (e) => isStoreError(e, "unavailable"));
        // What queued behind it fails too, rather than waiting without end.
        await assert.rejects(queued, (e) => isStoreError(e, "unavailable"));
      } finally {
        clearInterval(ticker);
      }
      const took = performance.now() - started;
      assert.ok(took < 5000, `ended after ${Math.round(took)} ms`);
      // Timers ran meanwhile: the statement held the worker's thread, not this one.
      assert.ok(ticks >= Math.floor(took / 20) / 2, `${ticks} ticks in ${Math.round(took)} ms`);
      assert.ok(warnings.includes("embedded database thread ended"));
    });

    await t.step("the folder is served again, with what was committed", async () => {
      const r = await db.query<{ v: string }>("select v from kept");
      assert.deepEqual(r.rows, [{ v: "before" }]);
      await db.query("insert into kept values ('after')");
      const n = await db.query<{ n: number }>("select count(*)::int as n from kept");
      assert.equal(n.rows[0].n, 2);
    });

    await t.step("listeners hear the cut, then listen again", async () => {
      await until("listening again", () => seen.includes("resumed"));
      assert.deepEqual(seen, ["interrupted", "resumed"]);
      await db.query("select pg_notify('runaway_events', 'after the restart')");
      await until("the notification arrives", () => got.length === 1);
      assert.deepEqual(got, ["after the restart"]);
    });

    await t.step("a transaction open across the restart cannot commit", async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("insert into kept values ('lost')");
          // Caught, so the transaction goes on to commit, on a thread that never saw it.
          await assert.rejects(tx.query(RUNAWAY), (e) => isStoreError(e, "unavailable"));
        }),
        (e) => isStoreError(e, "unavailable"),
      );
      const r = await db.query<{ v: string }>("select v from kept order by v");
      assert.deepEqual(r.rows.map((row) => row.v), ["after", "before"]);
    });
  } finally {
    await stop();
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("relational: a runaway statement loses an in-memory embedded database, saying so", async () => {
  const db = await openSupervisedPglite("memory://", { statementTimeoutMs: 1000 });
  try {
    await assert.rejects(db.query(RUNAWAY), (e) => isStoreError(e, "unavailable"));
    await assert.rejects(
      db.query("select 1"),
      (e) => isStoreError(e, "unavailable") && /in-memory database was lost/.test(e.message),
    );
    assert.equal((await db.health()).status, "down");
  } finally {
    await db.close();
  }
});

Deno.test("relational: the embedded thread keeps SQLSTATE details on its errors", async () => {
  const db = await openSupervisedPglite("memory://", { statementTimeoutMs: 15_000 });
  try {
    await db.exec("create table u (email text unique)");
    await db.query("insert into u values ('a@b.c')");
    await assert.rejects(db.query("insert into u values ('a@b.c')"), (e) => {
      assert.ok(isStoreError(e, "conflict"));
      assert.equal(e.field, "email");
      assert.equal((e.cause as { code?: string }).code, "23505");
      return true;
    });
  } finally {
    await db.close();
  }
});
