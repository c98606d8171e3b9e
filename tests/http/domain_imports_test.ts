/**
 * Domain boundaries: a file in one domain folder of `src/` imports nothing of another domain but
 * that domain's public module (`src/<domain>/mod.ts`); shared code lives in the shared folders. So no domain mounts another, and a domain's internals can move without breaking others.
 *
 * @module
 */
import assert from "node:assert/strict";
import { posix } from "node:path";

const SRC = new URL("../../src/", import.meta.url);
/** Folders of src/ that are not domains: every domain may import them. */
const SHARED = new Set(["http", "shared", "stores", "audit", "caching"]);
/** The only file of another domain a domain may import: its public module. */
const isPublicModule = (target: string) => /^[a-z_]+\/mod\.ts$/.test(target);
const SOURCE = /\.(ts|tsx)$/;
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** Relative import specifiers of one source text. */
export function relativeImports(text: string): string[] {
  return [...text.matchAll(IMPORT)].map((m) => m[1]);
}

/**
 * The boundary rule for one file (`path` relative to src/, e.g. "users/service.ts") importing
 * `spec`: a message when it crosses into another domain's internals, else null.
 */
export function violation(path: string, spec: string): string | null {
  const from = path.split("/")[0];
  if (!path.includes("/") || SHARED.has(from)) return null;
  const target = posix.normalize(posix.join(posix.dirname(path), spec));
  if (target.startsWith("../")) return null; // outside src/ (not expected, not a domain)
  const to = target.split("/")[0];
  if (!target.includes("/") || to === from || SHARED.has(to) || isPublicModule(target)) {
    return null;
  }
  return `src/${path} imports src/${target} (domain ${to}'s internals)`;
}

async function* sources(dir: URL, rel = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = rel + entry.name;
    if (entry.isDirectory) yield* sources(new URL(`${entry.name}/`, dir), `${path}/`);
    else if (entry.isFile && SOURCE.test(entry.name)) yield path;
  }
}

Deno.test("no domain imports another domain's internals", async (t) => {
  await t.step("the rule refuses crossings and allows the shared paths", () => {
    assert.match(violation("reports/routes.ts", "../dashboards/routes.ts") ?? "", /dashboards/);
    assert.match(violation("users/service.ts", "../auth/accounts/accounts.ts") ?? "", /auth/);
    assert.match(violation("crm/engine/scope.ts", "../../auth/grants/principal.ts") ?? "", /auth/);
    assert.equal(violation("users/service.ts", "../auth/mod.ts"), null);
    assert.equal(violation("crm/engine/list.ts", "../resource.ts"), null);
    assert.equal(violation("dashboards/routes.ts", "../shared/openapi.ts"), null);
    assert.equal(violation("dashboards/routes.ts", "../errors.ts"), null);
    assert.equal(violation("http/guard.ts", "../auth/mod.ts"), null);
    assert.deepEqual(
      relativeImports(
        `import { a } from "../x/y.ts";\nexport { b } from "./z.ts";\nconst m = await import("../w.ts");\nimport type { T } from "npm:zod";`,
      ),
      ["../x/y.ts", "./z.ts", "../w.ts"],
    );
  });

  await t.step("every module of src/ keeps to it", async () => {
    const found: string[] = [];
    let files = 0;
    for await (const path of sources(SRC)) {
      files++;
      const text = await Deno.readTextFile(new URL(path, SRC));
      for (const spec of relativeImports(text)) {
        const v = violation(path, spec);
        if (v) found.push(v);
      }
    }
    assert.ok(files > 50, `walked ${files} files`);
    assert.deepEqual(found, []);
  });
});
