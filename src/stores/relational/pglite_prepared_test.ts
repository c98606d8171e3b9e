import assert from "node:assert/strict";
import { StoreError } from "../errors.ts";
import { openPglite } from "./pglite.ts";

Deno.test("PGlite named queries (prepared) answer exactly as unnamed ones", async (t) => {
  const db = await openPglite("memory://");
  try {
    await db.exec(`
      create table t (id uuid primary key default gen_random_uuid(), email text unique,
        at timestamptz, n numeric(10,2), big bigint, ok boolean, doc jsonb, tags text[]);
    `);
    const at = new Date("2026-01-02T03:04:05.678Z");
    await db.query(
      "insert into t (email, at, n, big, ok, doc, tags) values ($1, $2, $3, $4, $5, $6, $7)",
      ["a@x", at, "12.50", 9007199254740993n, true, { k: [1, "two"] }, ["p", "q"]],
      { name: "t_insert" },
    );
    await db.query("insert into t (email) values ($1)", [null], { name: "t_insert_null" });

    const cases: [string, unknown[]][] = [
      ["select * from t order by email nulls last", []],
      ["select * from t where email = $1", ["a@x"]],
      ["select * from t where at = $1", [at]],
      ["select count(*) as c, sum(n) as s from t where ok = $1", [true]],
      ["select email from t where email = any($1::text[])", [["a@x", "b@x"]]],
      ["select $1::jsonb as j, $2::int as i", [{ a: { b: [1, null] } }, 7]],
      ["select email from t where email = $1", [null]],
      ["update t set ok = $2 where email = $1", ["a@x", false]],
      ["delete from t where email = $1", ["nobody"]],
    ];
    for (const [sql, params] of cases) {
      await t.step(sql, async () => {
        const plain = await db.query(sql, params);
        const named = await db.query(sql, params, { name: "case" });
        const again = await db.query(sql, params, { name: "case" });
        assert.deepEqual(named, plain);
        assert.deepEqual(again, plain);
      });
    }

    await t.step("errors map to the same StoreError", async () => {
      const sql = "insert into t (email) values ($1)";
      const named = await db.query(sql, ["a@x"], { name: "dup" }).catch((e) => e);
      const plain = await db.query(sql, ["a@x"]).catch((e) => e);
      assert.ok(named instanceof StoreError);
      assert.equal(named.code, "conflict");
      assert.equal(named.code, plain.code);
      assert.equal(named.field, plain.field);
      // The database is usable right after (the batch ended with Sync).
      assert.equal((await db.query("select 1 as one", [], { name: "one" })).rows[0].one, 1);
    });

    await t.step("a statement whose table changed is planned afresh", async () => {
      const sql = "select * from t where email = $1";
      const before = await db.query(sql, ["a@x"], { name: "star" });
      assert.equal("extra" in before.rows[0], false);
      await db.exec("alter table t add column extra int default 5");
      const after = await db.query(sql, ["a@x"], { name: "star" });
      assert.equal(after.rows[0].extra, 5);
      assert.deepEqual(await db.query(sql, ["a@x"], { name: "star" }), after);
    });

    await t.step("inside a transaction a named query still sees the transaction", async () => {
      await db.transaction(async (tx) => {
        await tx.query("insert into t (email) values ($1)", ["tx@x"], { name: "t_insert_tx" });
        const r = await tx.query("select count(*)::int as c from t where email = $1", ["tx@x"], {
          name: "t_count",
        });
        assert.equal(r.rows[0].c, 1);
      });
      const r = await db.query("select count(*)::int as c from t where email = $1", ["tx@x"], {
        name: "t_count",
      });
      assert.equal(r.rows[0].c, 1);
    });
  } finally {
    await db.close();
  }
});
