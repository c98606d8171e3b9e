// `deno task migrate` as a user runs it, on a fresh embedded folder: up applies every migration
// and owes the running instances the retirement of their cached reads (a `*` row in the
// cache_invalidations outbox, which their drains apply); status lists what is applied; down to
// zero takes the outbox with it and says that nothing could be owed.
import assert from "node:assert/strict";
import { loadMigrations } from "../../src/migrate/files.ts";
import { openPglite } from "../../src/stores/relational/pglite.ts";

const CLI = new URL("../../scripts/migrate.ts", import.meta.url).pathname;

async function migrate(dataDir: string, ...args: string[]) {
  const env: Record<string, string> = { DATA_DIR: dataDir };
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    env,
    clearEnv: true,
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

async function owedRetirements(dataDir: string): Promise<number> {
  const db = await openPglite(`${dataDir}/pg`);
  try {
    const r = await db.query<{ n: number }>(
      "select count(*)::int as n from cache_invalidations where namespace = '*'",
    );
    return r.rows[0].n;
  } finally {
    await db.close();
  }
}

Deno.test({
  name: "migrate CLI: up owes the cached reads' retirement, status, down to zero",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (t) => {
    const dataDir = await Deno.makeTempDir({ prefix: "polystore-migrate-cli-" });
    const versions = (await loadMigrations()).map((m) => m.version);
    try {
      await t.step("up applies every migration and leaves one owed retirement", async () => {
        const up = await migrate(dataDir, "up");
        assert.equal(up.code, 0, up.stderr);
        assert.equal(up.stdout.trim(), `applied ${versions.join(", ")}`);
        assert.equal(await owedRetirements(dataDir), 1);
        const again = await migrate(dataDir, "up");
        assert.equal(again.stdout.trim(), "nothing to apply");
        assert.equal(await owedRetirements(dataDir), 1, "nothing applied, nothing owed");
      });

      await t.step("status lists every migration as applied", async () => {
        const status = await migrate(dataDir, "status");
        assert.equal(status.code, 0, status.stderr);
        const lines = status.stdout.trim().split("\n");
        assert.equal(lines.length, versions.length);
        for (const line of lines) assert.match(line, /applied \d{4}-/);
      });

      await t.step("down to zero: no outbox left, and it says so", async () => {
        const down = await migrate(dataDir, "down", String(versions.length));
        assert.equal(down.code, 0, down.stderr);
        assert.equal(down.stdout.trim(), `reverted ${[...versions].reverse().join(", ")}`);
        assert.match(down.stderr, /cached reads not retired: .*cache_invalidations/);
      });

      await t.step("bad arguments: usage, exit 2", async () => {
        const bad = await migrate(dataDir, "sideways");
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /usage: deno task migrate/);
      });
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
