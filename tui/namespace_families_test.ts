import assert from "node:assert/strict";
import { familyOf, namespaceFamilies } from "./namespace_families.ts";

Deno.test("namespace families", async (t) => {
  await t.step("ids become *, names stay", () => {
    assert.equal(
      familyOf("user:0f8fad5b-d9cb-469f-a165-70867728950e:permissions"),
      "user:*:permissions",
    );
    assert.equal(familyOf("insight:42"), "insight:*");
    assert.equal(familyOf("insights:stats:Ab3dEf9hIj2kLm4n"), "insights:stats:*");
    assert.equal(familyOf("pipeline_stages:list"), "pipeline_stages:list");
    assert.equal(familyOf("dashboard:summary"), "dashboard:summary");
  });
  await t.step("hits and misses add up per family; most read first", () => {
    const u = (n: number) => `user:00000000-0000-4000-8000-00000000000${n}:permissions`;
    const out = namespaceFamilies([
      { namespace: "pipeline_stages:list", hits: 1, misses: 1, ratio: 0.5 },
      { namespace: u(1), hits: 3, misses: 1, ratio: 0.75 },
      { namespace: u(2), hits: 5, misses: 1, ratio: 5 / 6 },
      { namespace: "empty", hits: 0, misses: 0, ratio: null },
    ]);
    assert.deepEqual(out, [
      { namespace: "user:*:permissions", hits: 8, misses: 2, ratio: 0.8 },
      { namespace: "pipeline_stages:list", hits: 1, misses: 1, ratio: 0.5 },
      { namespace: "empty", hits: 0, misses: 0, ratio: null },
    ]);
  });
});
