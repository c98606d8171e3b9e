// The server adapter's pipelined lanes (src/stores/relational/pg_lanes.ts): what one tick asks
// shares a connection, a failing statement fails alone, and a lane that is cut or stops answering
// fails what waits on it as unavailable, then the next statement connects again.
import assert from "node:assert/strict";
import { openPg, type PgOptions } from "../../src/stores/relational/pg.ts";
import { isStoreError } from "../../src/stores/errors.ts";
import { serverSetting, serverTest } from "../support/profile.ts";

const options = (url: string, more: Partial<PgOptions> = {}): PgOptions => ({
  url,
  poolSize: 2,
  idleTimeoutMs: 5000,
  statementTimeoutMs: 5000,
  connectTimeoutMs: 2000,
  pipelineLanes: 2,
  ...more,
});

/** A TCP relay to Postgres that can stop passing bytes, as a hung server or network would. */
function relay(target: { hostname: string; port: number }) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let frozen = false;
  const conns = new Set<Deno.Conn>();
  const pump = async (from: Deno.Conn, to: Deno.Conn) => {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buf);
        if (n === null) break;
        // Held bytes are dropped: the statement they carry is never answered.
        if (!frozen) await to.write(buf.subarray(0, n));
      }
    } catch {
      // either side closed
    }
    for (const c of [from, to]) {
      try {
        c.close();
      } catch { /* closed */ }
      conns.delete(c);
    }
  };
  const accepting = (async () => {
    for await (const client of listener) {
      const server = await Deno.connect(target);
      conns.add(client);
      conns.add(server);
      void pump(client, server);
      void pump(server, client);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    freeze: (on: boolean) => frozen = on,
    async close() {
      listener.close();
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed */ }
      }
      await accepting;
    },
  };
}

serverTest("pg lanes: statements of one tick share a connection", ["DATABASE_URL"], async (t) => {
  const db = await openPg(options(serverSetting("DATABASE_URL")!));
  try {
    await t.step("asked together, they run on one backend, in order", async () => {
      const asked = Array.from(
        { length: 40 },
        (_, i) =>
          db.query<{ pid: number; i: number }>("select pg_backend_pid() as pid, $1::int as i", [i]),
      );
      const answers = await Promise.all(asked);
      assert.deepEqual(answers.map((a) => a.rows[0].i), [...Array(40).keys()]);
      assert.equal(new Set(answers.map((a) => a.rows[0].pid)).size, 1);
    });

    await t.step("one failing statement fails alone, mapped as usual", async () => {
      const settled = await Promise.allSettled([
        db.query<{ v: number }>("select $1::int as v", [1]),
        db.query("select 1 / $1::int as v", [0]),
        db.query("insert into no_such_table values (1)"),
        db.query<{ v: number }>("select $1::int as v", [4], { name: "lanes_named" }),
      ]);
      assert.equal(settled[0].status, "fulfilled");
      assert.equal(settled[3].status, "fulfilled");
      assert.deepEqual(
        settled.flatMap((s) => s.status === "fulfilled" ? [s.value.rows[0].v] : []),
        [1, 4],
      );
      const [, division, missing] = settled;
      assert.ok(division.status === "rejected" && isStoreError(division.reason, "invalid"));
      assert.ok(missing.status === "rejected" && isStoreError(missing.reason, "unavailable"));
    });

    await t.step("a slow statement holds up no statement asked after it", async () => {
      const one = await openPg(options(serverSetting("DATABASE_URL")!, { pipelineLanes: 1 }));
      try {
        let slowDone = false;
        const slow = one.query("select pg_sleep(0.5)").then(() => slowDone = true);
        // The lane has a statement out: the next tick's statement goes to the pool instead.
        await new Promise((r) => setTimeout(r, 30));
        const started = performance.now();
        const quick = await one.query<{ v: number }>("select 5 as v");
        assert.equal(quick.rows[0].v, 5);
        assert.equal(slowDone, false, "the quick statement was answered first");
        assert.ok(performance.now() - started < 300);
        await slow;
      } finally {
        await one.close();
      }
    });

    await t.step("with a stall allowance, a statement queues behind a young one", async () => {
      const one = await openPg(
        options(serverSetting("DATABASE_URL")!, { pipelineLanes: 1, pipelineStallMs: 1000 }),
      );
      try {
        const pid = async () =>
          (await one.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid;
        const lanePid = await pid();
        let slowDone = false;
        const slow = one.query("select pg_sleep(0.3)").then(() => slowDone = true);
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(await pid(), lanePid, "the same lane took it");
        assert.equal(slowDone, true, "it was answered after the statement ahead of it");
        await slow;
      } finally {
        await one.close();
      }
    });

    await t.step("a connection the server ends fails its statement as unavailable", async () => {
      // Settled as soon as it fails, so the failure is never an unhandled rejection.
      const sleeping = db.query("select pg_backend_pid() as pid, pg_sleep(5)").then(
        () => assert.fail("the statement was answered"),
        (e: unknown) => e,
      );
      // Another connection (a transaction runs on the pool) ends the lane's backend.
      let killed = 0;
      for (let i = 0; i < 50 && killed === 0; i++) {
        killed = await db.transaction(async (tx) => {
          const r = await tx.query<{ n: number }>(
            `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
              where query like 'select pg_backend_pid() as pid, pg_sleep(5)%' and state = 'active'`,
          );
          return r.rows[0].n;
        });
        if (killed === 0) await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(killed, 1);
      assert.ok(isStoreError(await sleeping, "unavailable"));
      const again = await db.query<{ v: number }>("select 7 as v");
      assert.equal(again.rows[0].v, 7);
    });
  } finally {
    await db.close();
  }
});

serverTest(
  "pg lanes: a server that stops answering fails the statement, then the lane connects again",
  ["DATABASE_URL"],
  async () => {
    const real = new URL(serverSetting("DATABASE_URL")!);
    const proxy = relay({ hostname: real.hostname, port: Number(real.port || 5432) });
    const url = new URL(real.href);
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    // A statement is overdue after its timeout plus a second, looked for once a second.
    const db = await openPg(options(url.href, { statementTimeoutMs: 200, pipelineLanes: 1 }));
    try {
      assert.equal((await db.query<{ v: number }>("select 1 as v")).rows[0].v, 1);
      proxy.freeze(true);
      const started = performance.now();
      await assert.rejects(db.query("select 2 as v"), (e) => isStoreError(e, "unavailable"));
      const waited = performance.now() - started;
      assert.ok(waited >= 1000 && waited < 5000, `failed after ${Math.round(waited)} ms`);
      proxy.freeze(false);
      assert.equal((await db.query<{ v: number }>("select 3 as v")).rows[0].v, 3);
    } finally {
      await db.close();
      await proxy.close();
    }
  },
);
