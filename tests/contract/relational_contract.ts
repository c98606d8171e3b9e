// The relational contract: every adapter of the relational port must pass this suite.
import assert from "node:assert/strict";
import { isStoreError } from "../../src/stores/errors.ts";
import type { RelationalStore } from "../../src/stores/relational/port.ts";

/** Runs the suite against a store made by `open`; the store is closed at the end. */
export async function relationalContract(
  t: Deno.TestContext,
  open: () => Promise<RelationalStore>,
): Promise<void> {
  const db = await open();
  const table = `contract_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  try {
    await db.exec(`
      create table ${table} (
        id serial primary key,
        email text not null unique,
        n int8 not null default 0,
        amount numeric(12,2),
        day date,
        at timestamptz default now(),
        doc jsonb
      );`);

    await t.step("query with parameters returns typed rows", async () => {
      const r = await db.query<{ id: number; email: string; n: number; amount: number }>(
        `insert into ${table} (email, n, amount, day, doc) values ($1, $2, $3, $4, $5)
         returning id, email, n, amount, day, at, doc`,
        ["ção@example.com", 9007199254740991, "12.50", "2026-02-03", { a: [1, "ü"] }],
      );
      assert.equal(r.rowCount, 1);
      const row = r.rows[0] as Record<string, unknown>;
      assert.equal(row.email, "ção@example.com");
      assert.equal(row.n, 9007199254740991);
      assert.equal(row.amount, 12.5);
      assert.equal(row.day, "2026-02-03");
      assert.ok(row.at instanceof Date);
      assert.deepEqual(row.doc, { a: [1, "ü"] });
    });

    await t.step("named prepared statements can be reused", async () => {
      for (let i = 0; i < 3; i++) {
        const r = await db.query<{ c: number }>(
          `select count(*) as c from ${table} where email like $1`,
          ["%@example.com"],
          { name: `${table}_count` },
        );
        assert.equal(r.rows[0].c, 1);
      }
    });

    await t.step("isoTimestamps gives timestamptz as JSON writes the Date", async () => {
      const values = [
        "2026-12-06 20:55:11.198123+00",
        "2026-12-06 20:55:11.1+00",
        "2026-12-06 20:55:11.999999+00",
        "2026-12-06 20:55:11+00",
        "0099-01-02 03:04:05.006+00",
        "2026-12-06 20:55:11.5+05:30",
        "12026-01-01 00:00:00+00",
        "2000-01-01 00:00:00 BC",
        "infinity",
        "-infinity",
        null,
      ];
      const sql = `select v::timestamptz as ts from unnest($1::text[]) with ordinality as u(v, i)
        order by i`;
      const asDates = await db.query<{ ts: unknown }>(sql, [values]);
      // Once unprepared, once prepared (its second run takes the prepared path), in a session
      // whose time zone prints offsets other than +00.
      for (const name of [undefined, `${table}_iso`, `${table}_iso`]) {
        const asText = await db.query<{ ts: unknown }>(sql, [values], {
          name,
          isoTimestamps: true,
        });
        assert.deepEqual(
          asText.rows.map((r) => r.ts),
          JSON.parse(JSON.stringify(asDates.rows.map((r) => r.ts))),
        );
        assert.equal(asText.rows[0].ts, "2026-12-06T20:55:11.198Z");
        assert.equal(asText.rows[4].ts, "0099-01-02T03:04:05.006Z");
      }
      // Years below 100 (PGlite's own Date parser reads them as 19xx).
      assert.equal((asDates.rows[4].ts as Date).toISOString(), "0099-01-02T03:04:05.006Z");
      await db.transaction(async (tx) => {
        await tx.query("set local time zone 'America/Sao_Paulo'");
        const local = await tx.query<{ ts: unknown }>(sql, [values]);
        const iso = await tx.query<{ ts: unknown }>(sql, [values], { isoTimestamps: true });
        assert.deepEqual(
          iso.rows.map((r) => r.ts),
          JSON.parse(JSON.stringify(local.rows.map((r) => r.ts))),
        );
        assert.equal(iso.rows[0].ts, "2026-12-06T20:55:11.198Z");
      });
    });

    await t.step("unique violation is a conflict naming the column", async () => {
      await assert.rejects(
        db.query(`insert into ${table} (email) values ($1)`, ["ção@example.com"]),
        (err) => isStoreError(err, "conflict") && err.field === "email",
      );
    });

    await t.step("bad input is invalid", async () => {
      await assert.rejects(
        db.query(`insert into ${table} (email, day) values ($1, $2)`, ["x@y", "not a date"]),
        (err) => isStoreError(err, "invalid"),
      );
    });

    await t.step("transaction commits on success", async () => {
      const id = await db.transaction(async (tx) => {
        const r = await tx.query<{ id: number }>(
          `insert into ${table} (email) values ($1) returning id`,
          ["commit@example.com"],
        );
        return r.rows[0].id;
      });
      const r = await db.query(`select 1 from ${table} where id = $1`, [id]);
      assert.equal(r.rowCount, 1);
    });

    await t.step("transaction rolls back and rethrows the caller's own error", async () => {
      class Mine extends Error {}
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query(`insert into ${table} (email) values ($1)`, ["rollback@example.com"]);
          throw new Mine("stop");
        }),
        Mine,
      );
      const r = await db.query(`select 1 from ${table} where email = $1`, ["rollback@example.com"]);
      assert.equal(r.rowCount, 0);
    });

    await t.step("concurrent transactions never interleave", async () => {
      // Each transaction reads n, waits, then writes n+1; serialisable outcome is exactly 10.
      const r = await db.query<{ id: number }>(
        `insert into ${table} (email, n) values ($1, 0) returning id`,
        ["counter@example.com"],
      );
      const id = r.rows[0].id;
      await Promise.all(
        Array.from({ length: 10 }, () =>
          db.transaction(async (tx) => {
            const cur = await tx.query<{ n: number }>(
              `select n from ${table} where id = $1 for update`,
              [id],
            );
            await new Promise((res) => setTimeout(res, 2));
            await tx.query(`update ${table} set n = $2 where id = $1`, [id, cur.rows[0].n + 1]);
          })),
      );
      const after = await db.query<{ n: number }>(`select n from ${table} where id = $1`, [id]);
      assert.equal(after.rows[0].n, 10);
    });

    await t.step("exec runs several statements", async () => {
      await db.exec(
        `insert into ${table} (email) values ('e1@x'); insert into ${table} (email) values ('e2@x');`,
      );
      const r = await db.query<{ c: number }>(
        `select count(*) as c from ${table} where email in ('e1@x','e2@x')`,
      );
      assert.equal(r.rows[0].c, 2);
    });

    await t.step("a prepared select * follows a column added under it", async () => {
      const name = `${table}_star`;
      const sql = `select t.* from ${table} t where t.email = $1`;
      await db.query(`insert into ${table} (email) values ('star@x')`);
      const before = await db.query(sql, ["star@x"], { name });
      assert.equal("added" in before.rows[0], false);
      // Another instance's migration, while this one runs.
      await db.exec(`alter table ${table} add column added text default 'new'`);
      for (let i = 0; i < 3; i++) {
        const after = await db.query(sql, ["star@x"], { name });
        assert.equal(after.rows[0].added, "new");
      }
      await db.exec(`alter table ${table} drop column added`);
    });

    await t.step("listen receives what commits, in order, and nothing after it stops", async () => {
      const channel = `${table}_ch`;
      const got: string[] = [];
      const stop = await db.listen(channel, (payload) => got.push(payload));
      const arrived = async (n: number) => {
        const end = Date.now() + 2000;
        while (got.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
      };
      await db.query("select pg_notify($1, $2)", [channel, "plain"]);
      await db.query("select pg_notify($1, $2)", [channel, "named"], { name: `${table}_notify` });
      await assert.rejects(db.transaction(async (tx) => {
        await tx.query("select pg_notify($1, $2)", [channel, "rolled back"]);
        throw new Error("undo");
      }));
      await db.transaction(async (tx) => {
        await tx.query("select pg_notify($1, $2)", [channel, "in a transaction"]);
      });
      await db.query("select pg_notify($1, $2)", [`${channel}_other`, "elsewhere"]);
      await arrived(3);
      assert.deepEqual(got, ["plain", "named", "in a transaction"]);
      await stop();
      await db.query("select pg_notify($1, $2)", [channel, "after stop"]);
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(got, ["plain", "named", "in a transaction"]);
      await assert.rejects(db.listen("Not A Channel", () => {}), TypeError);
    });

    await t.step("health reports ok with a latency", async () => {
      const h = await db.health();
      assert.equal(h.status, "ok");
      assert.equal(h.adapter, db.adapter);
      assert.ok(h.latency_ms >= 0);
    });
  } finally {
    await db.exec(`drop table if exists ${table}`).catch(() => {});
    await db.close();
  }
}
