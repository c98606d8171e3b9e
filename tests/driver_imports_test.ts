// Only src/stores/ talks to drivers (design section 1): every other module reaches data through
// the ports. The one exception is the bench's driver comparison, which issue 7 asks for.
import assert from "node:assert/strict";

const ROOT = new URL("../", import.meta.url);
const DRIVERS = [
  "pg",
  "mongodb",
  "neo4j-driver",
  "ioredis",
  "minio",
  "@electric-sql/pglite",
  "postgres",
];
// This file is listed because its own samples below spell driver imports.
const ALLOWED = new Set(["bench/driver_compare.ts", "tests/driver_imports_test.ts"]);
const SKIP_DIRS = new Set(["node_modules", ".git", ".services", "data"]);
const SOURCE = /\.(ts|tsx|js|mjs)$/;

// `from "pg"`, `from "npm:pg@8"`, `import("ioredis")`, `from "@electric-sql/pglite/contrib/…"`.
const driverImport = new RegExp(
  String.raw`(?:from\s*|import\s*\(\s*)["'](?:npm:)?(?:${
    DRIVERS.map((d) => d.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|")
  })(?:@[^"'/]*)?(?:/[^"']*)?["']`,
);

async function* sources(dir: URL, rel = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = rel + entry.name;
    if (entry.isDirectory && !SKIP_DIRS.has(entry.name)) {
      yield* sources(new URL(`${entry.name}/`, dir), `${path}/`);
    } else if (entry.isFile && SOURCE.test(entry.name)) yield path;
  }
}

Deno.test("no module outside src/stores/ imports a database or storage driver", async (t) => {
  await t.step("the pattern catches the import forms it is meant to", () => {
    for (
      const line of [
        `import pg from "pg";`,
        `import { Redis } from "npm:ioredis@5";`,
        `const m = await import("mongodb");`,
        `import { x } from "@electric-sql/pglite/contrib/y";`,
      ]
    ) {
      assert.match(line, driverImport, line);
    }
    for (
      const line of [`import { openPg } from "../src/stores/relational/pg.ts";`, `import "pgx";`]
    ) {
      assert.doesNotMatch(line, driverImport, line);
    }
  });

  await t.step("the tree", async () => {
    const offenders: string[] = [];
    let seen = 0;
    for await (const path of sources(ROOT)) {
      seen++;
      if (path.startsWith("src/stores/") || ALLOWED.has(path)) continue;
      const text = await Deno.readTextFile(new URL(path, ROOT));
      if (driverImport.test(text)) offenders.push(path);
    }
    assert.ok(seen > 100, `only ${seen} source files found`);
    assert.deepEqual(offenders, []);
  });
});
