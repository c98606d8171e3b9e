// Registers the relational contract for PGlite (always) and server Postgres (DATABASE_URL).
import assert from "node:assert/strict";
import { openPg } from "../../src/stores/relational/pg.ts";
import { openPglite } from "../../src/stores/relational/pglite.ts";
import { isStoreError } from "../../src/stores/errors.ts";
import { serverSetting, serverTest } from "../support/profile.ts";
import { relationalContract } from "./relational_contract.ts";

Deno.test("relational contract: pglite (memory)", async (t) => {
  await relationalContract(t, () => openPglite("memory://"));
});

Deno.test("relational contract: pglite (folder) keeps data across reopen", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = await openPglite(dir);
    await a.exec("create table kept (v text); insert into kept values ('still here');");
    await a.close();
    const b = await openPglite(dir);
    const r = await b.query<{ v: string }>("select v from kept");
    assert.equal(r.rows[0].v, "still here");
    await b.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const pgOptions = (url: string) => ({
  url,
  poolSize: 4,
  idleTimeoutMs: 5000,
  statementTimeoutMs: 5000,
  connectTimeoutMs: 2000,
});

serverTest("relational contract: pg (server)", ["DATABASE_URL"], async (t) => {
  await relationalContract(t, () => openPg(pgOptions(serverSetting("DATABASE_URL")!)));
});

serverTest(
  "relational contract: pg (server) without pipelined lanes",
  ["DATABASE_URL"],
  async (t) => {
    await relationalContract(
      t,
      () => openPg({ ...pgOptions(serverSetting("DATABASE_URL")!), pipelineLanes: 0 }),
    );
  },
);

serverTest("relational: pg statement timeout maps to timeout", ["DATABASE_URL"], async () => {
  const db = await openPg({
    ...pgOptions(serverSetting("DATABASE_URL")!),
    statementTimeoutMs: 200,
  });
  try {
    await assert.rejects(db.query("select pg_sleep(2)"), (e) => isStoreError(e, "timeout"));
  } finally {
    await db.close();
  }
});

Deno.test("relational: pg against a closed port fails fast as unavailable", async () => {
  const started = performance.now();
  await assert.rejects(
    openPg({
      ...pgOptions("postgres://u:p@127.0.0.1:1/none"),
      connectAttempts: 2,
    }),
    (e) => isStoreError(e, "unavailable"),
  );
  assert.ok(performance.now() - started < 5000);
});

serverTest(
  "relational: pg listen reports a cut connection and listens again",
  ["DATABASE_URL"],
  async () => {
    const db = await openPg(pgOptions(serverSetting("DATABASE_URL")!));
    const channel = `cut_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
    const got: string[] = [];
    const seen: string[] = [];
    const until = async (what: string, check: () => boolean) => {
      const end = Date.now() + 5000;
      while (!check()) {
        assert.ok(Date.now() < end, `${what} within 5 s`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const stop = await db.listen(channel, (p) => got.push(p), {
      onInterrupted: () => seen.push("interrupted"),
      onResumed: () => seen.push("resumed"),
    });
    try {
      // The server ends the listening session, as a restart or failover would.
      const killed = await db.query<{ n: number }>(
        `select count(pg_terminate_backend(pid))::int as n from pg_stat_activity
          where application_name = 'polystore-listen'
            and query ilike $1`,
        [`%listen ${channel}%`],
      );
      assert.equal(killed.rows[0].n, 1);
      await until("the cut is reported", () => seen.includes("interrupted"));
      await until("listening again", () => seen.includes("resumed"));
      assert.deepEqual(seen, ["interrupted", "resumed"]);
      await db.query("select pg_notify($1, 'after the cut')", [channel]);
      await until("the notification arrives", () => got.length === 1);
      assert.deepEqual(got, ["after the cut"]);
    } finally {
      await stop();
      await db.close();
    }
  },
);

Deno.test("relational: pglite takes its buffer cache size from the option (32 MB by default)", async () => {
  for (const [options, want] of [[{}, "32MB"], [{ sharedBuffersMb: 16 }, "16MB"]] as const) {
    const db = await openPglite("memory://", options);
    try {
      const r = await db.query<{ v: string }>("select current_setting('shared_buffers') as v");
      assert.equal(r.rows[0].v, want);
      // PGlite's own start parameters are kept beside ours.
      const p = await db.query<{ v: string }>("select current_setting('search_path') as v");
      assert.equal(p.rows[0].v, "public");
    } finally {
      await db.close();
    }
  }
});
