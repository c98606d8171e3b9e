import assert from "node:assert/strict";
import { openPglite } from "../stores/relational/pglite.ts";
import { loadMigrations } from "./files.ts";
import { migrateDown, migrateUp, MigrationError, migrationStatus } from "./runner.ts";

async function fixtureDir(files: Record<string, string>): Promise<URL> {
  const dir = await Deno.makeTempDir();
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return new URL(`file://${dir}/`);
}

const FILES = {
  "0001_a.up.sql": "create table a (id int primary key); insert into a values (1);",
  "0001_a.down.sql": "drop table a;",
  "0002_b.up.sql": "create table b (id int references a(id));",
  "0002_b.down.sql": "drop table b;",
  "0003_broken.up.sql": "create table c (id int); select * from missing_table;",
  "0003_broken.down.sql": "drop table c;",
};

Deno.test("migration runner", async (t) => {
  const db = await openPglite("memory://");
  const dir = await fixtureDir(FILES);
  try {
    const all = await loadMigrations(dir);
    const good = all.filter((m) => m.version < 3);

    await t.step("loads numbered pairs in order with checksums", () => {
      assert.deepEqual(all.map((m) => m.version), [1, 2, 3]);
      assert.match(all[0].checksum, /^[0-9a-f]{64}$/);
    });

    await t.step("up applies pending files once, even when two runs race", async () => {
      const [first, second] = await Promise.all([migrateUp(db, good), migrateUp(db, good)]);
      assert.deepEqual([...first, ...second].sort(), [1, 2]);
      assert.deepEqual(await migrateUp(db, good), []);
      const st = await migrationStatus(db, good);
      assert.ok(st.every((s) => s.applied_at instanceof Date && s.checksum_ok));
    });

    await t.step("a failing file rolls back entirely and is not recorded", async () => {
      await assert.rejects(migrateUp(db, all));
      const r = await db.query("select to_regclass('c') as c");
      assert.equal(r.rows[0].c, null);
      const st = await migrationStatus(db, all);
      assert.equal(st[2].applied_at, null);
    });

    await t.step("an edited applied file stops the run", async () => {
      const edited = good.map((m) => m.version === 1 ? { ...m, checksum: "0".repeat(64) } : m);
      await assert.rejects(migrateUp(db, edited), MigrationError);
      const st = await migrationStatus(db, edited);
      assert.equal(st[0].checksum_ok, false);
    });

    await t.step("down reverts newest first, to zero, and up works again", async () => {
      assert.deepEqual(await migrateDown(db, good, 1), [2]);
      assert.deepEqual(await migrateDown(db, good, 5), [1]);
      const r = await db.query("select to_regclass('a') as a");
      assert.equal(r.rows[0].a, null);
      assert.deepEqual(await migrateUp(db, good), [1, 2]);
    });
  } finally {
    await db.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadMigrations refuses an up without its down", async () => {
  const dir = await fixtureDir({ "0001_x.up.sql": "select 1;" });
  try {
    await assert.rejects(loadMigrations(dir), /needs both/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
