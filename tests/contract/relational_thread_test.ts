// The embedded store the API uses (PGlite on a worker thread): the relational contract, and what
// happens when a statement runs past the timeout.
import assert from "node:assert/strict";
import { isStoreError } from "../../src/stores/errors.ts";
import { openSupervisedPglite } from "../../src/stores/relational/pglite_supervisor.ts";
import { PgliteThread } from "../../src/stores/relational/pglite_thread.ts";
import type { RelationalStore } from "../../src/stores/relational/port.ts";
import { relationalContract } from "./relational_contract.ts";

/** Holds PGlite's thread for 4 s: past the 1 s timeout these tests give the store. */
const SLOW = "select pg_sleep(4)";

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < end, `${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const answers = (db: RelationalStore) => () => db.query("select 1").then(() => true, () => false);

Deno.test("relational contract: pglite on its own thread (memory)", async (t) => {
  await relationalContract(
    t,
    () => openSupervisedPglite("memory://", { statementTimeoutMs: 15_000 }),
  );
});

Deno.test("relational: a statement past the timeout on the embedded thread fails, and nothing held behind it runs later", async (t) => {
  const warnings: string[] = [];
  const db = await openSupervisedPglite("memory://", {
    statementTimeoutMs: 1000,
    warn: (message) => warnings.push(message),
  });
  const got: string[] = [];
  const stop = await db.listen("slow_events", (p) => got.push(p));
  try {
    await db.exec("create table kept (v text); insert into kept values ('before');");

    await t.step(
      "the statement and what queued behind it fail, while this thread runs",
      async () => {
        let ticks = 0;
        const ticker = setInterval(() => ticks++, 20);
        const started = performance.now();
        const slow = db.query(SLOW);
        const queued = db.query("insert into kept values ('queued')");
        try {
          await assert.rejects(slow, (e) => isStoreError(e, "unavailable"));
          await assert.rejects(queued, (e) => isStoreError(e, "unavailable"));
        } finally {
          clearInterval(ticker);
        }
        const took = performance.now() - started;
        assert.ok(took < 3500, `failed after ${Math.round(took)} ms, before the statement ended`);
        // Timers ran meanwhile: the statement held the worker's thread, not this one.
        assert.ok(ticks >= Math.floor(took / 20) / 2, `${ticks} ticks in ${Math.round(took)} ms`);
        assert.ok(warnings.includes("embedded database statement past the timeout"));
      },
    );

    await t.step("until the thread answers, requests fail at once and health is down", async () => {
      const started = performance.now();
      await assert.rejects(db.query("select 1"), (e) => isStoreError(e, "unavailable"));
      assert.ok(performance.now() - started < 500);
      assert.equal((await db.health()).status, "down");
    });

    await t.step("then it answers again, and what was given up on never ran", async () => {
      await until("answering again", answers(db));
      const r = await db.query<{ v: string }>("select v from kept order by v");
      assert.deepEqual(r.rows.map((row) => row.v), ["before"]);
      await until(
        "the recovery is logged",
        () => Promise.resolve(warnings.includes("embedded database answering again")),
      );
      await db.query("select pg_notify('slow_events', 'after')");
      await until("the notification arrives", () => Promise.resolve(got.length === 1));
      assert.deepEqual(got, ["after"]);
    });

    await t.step("a transaction whose statement is given up on rolls back", async () => {
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query("insert into kept values ('in a transaction')");
          await tx.query(SLOW);
        }),
        (e) => isStoreError(e, "unavailable"),
      );
      await until("answering again", answers(db));
      const r = await db.query<{ v: string }>("select v from kept order by v");
      assert.deepEqual(r.rows.map((row) => row.v), ["before"]);
    });
  } finally {
    await stop();
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

Deno.test("relational: a BEGIN given up on as it opened does not hold the embedded thread's queue", async () => {
  const thread = await PgliteThread.start("memory://", {}, { onNotify() {}, onCrash() {} });
  const within = <T>(p: Promise<T>, what: string) =>
    Promise.race([
      p,
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`${what}: stuck`)), 5000)
      ),
    ]);
  try {
    // Given up on at once: the worker may have admitted the BEGIN or not; either way it must not
    // leave a transaction open that nobody ends.
    for (let tx = 1; tx <= 5; tx++) {
      const begun = thread.call({ op: "begin", tx });
      thread.busyFor(performance.now()); // a ping out: it tells when the thread answers again
      thread.abandon("given up in the test");
      await assert.rejects(begun, (e) => isStoreError(e, "unavailable"));
      await until("answering again", () => Promise.resolve(!thread.stuck));
      await within(thread.call({ op: "query", sql: "select 1", params: [] }), `round ${tx}`);
    }
  } finally {
    thread.end("test over");
  }
});

Deno.test("relational: a new folder gets its cluster from a thread of its own, and the store then serves and keeps it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "polystore_pglite_init_" });
  const dataDir = `${dir}/nested/db`;
  try {
    const first = await openSupervisedPglite(dataDir, { statementTimeoutMs: 15_000 });
    try {
      assert.ok((await Deno.stat(`${dataDir}/PG_VERSION`)).isFile, "initdb wrote the cluster");
      await first.exec("create table kept (n int)");
      await first.query("insert into kept values (41)");
    } finally {
      await first.close();
    }
    // Opened again on the existing cluster: no initdb thread, the data is there.
    const again = await openSupervisedPglite(dataDir, { statementTimeoutMs: 15_000 });
    try {
      assert.deepEqual((await again.query("select n + 1 as n from kept")).rows, [{ n: 42 }]);
    } finally {
      await again.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
