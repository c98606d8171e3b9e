// The local servers of scripts/services.sh answer through polystore's own adapters, and the
// settings files users copy (.env.example) name and parse every variable src/config.ts reads.
import assert from "node:assert/strict";
import { EnvSchema, loadConfig } from "../../src/config.ts";
import { checkServers, parseEnvFile, SERVER_VARIABLES } from "../../scripts/services_check.ts";
import { serverEnv, serverTest } from "../support/profile.ts";

const EXAMPLE = new URL("../../.env.example", import.meta.url);

Deno.test(".env.example documents every config variable and loads as a server config", async () => {
  const text = await Deno.readTextFile(EXAMPLE);
  const lines = text.split("\n");
  // Commented-out entries count as listed: they are the optional ones users may switch on.
  const listed = new Set(
    lines.map((l) => l.match(/^#?([A-Z][A-Z0-9_]*)=/)?.[1]).filter((k) => k !== undefined),
  );
  assert.deepEqual([...Object.keys(EnvSchema.shape)].filter((k) => !listed.has(k)), []);
  assert.deepEqual([...listed].filter((k) => !(k in EnvSchema.shape)), []);
  lines.forEach((line, i) => {
    if (/^#?[A-Z][A-Z0-9_]*=/.test(line)) {
      assert.match(lines[i - 1] ?? "", /^# /, `a comment line explains ${line.split("=")[0]}`);
    }
  });
  const config = loadConfig(parseEnvFile(text));
  assert.equal(config.relational.url, "postgres://polystore:polystore@127.0.0.1:55432/polystore");
  assert.equal(config.documents.url, "mongodb://127.0.0.1:57017/");
  assert.equal(config.graph.url, "bolt://127.0.0.1:57687");
  assert.equal(config.cache.url, "redis://127.0.0.1:56379");
  assert.equal(config.objects.endpoint, "http://127.0.0.1:59000");
});

Deno.test("parseEnvFile reads KEY=value lines and skips comments and blanks", () => {
  const env = parseEnvFile("# note\n\nA=1\nURL=postgres://u:p@h:1/db?x=y\n  B = no\n");
  assert.deepEqual(env, { A: "1", URL: "postgres://u:p@h:1/db?x=y" });
});

serverTest(
  "local servers: one real call to each of the five through the store adapters",
  Object.values(SERVER_VARIABLES),
  async (t) => {
    const results = await checkServers(serverEnv());
    const expected = {
      relational: "pg",
      cache: "redis",
      documents: "mongodb",
      graph: "neo4j",
      objects: "minio",
    };
    for (const r of results) {
      await t.step(`${r.role}: ${r.detail}`, () => {
        assert.equal(r.ok, true, r.detail);
        assert.equal(r.adapter, expected[r.role]);
      });
    }
    assert.equal(results.length, 5);
  },
);
