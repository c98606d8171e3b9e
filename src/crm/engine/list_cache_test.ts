import assert from "node:assert/strict";
import { createdAt, idColumn, text } from "../columns.ts";
import { defineResource, type ResourceSpec } from "../resource.ts";
import { listCacheKey, plainListKey } from "./list_cache.ts";

const spec: ResourceSpec = {
  table: "gadgets",
  path: "gadgets",
  name: "GadgetT",
  tag: "t",
  permission: "contacts",
  columns: { id: idColumn(), name: text(10).required(), created_at: createdAt() },
  filters: { name: "eq" },
  sorts: ["created_at", "name"],
  defaultSort: "-created_at",
  search: "name",
  listCache: { key: "list:gadgets", ttlMs: 60_000, filtered: true },
};
const anyone = { userId: "u", companyIds: null };

Deno.test("list cache keys", async (t) => {
  const res = defineResource(spec);

  await t.step("parameters sorted, under the namespace and the row shape", () => {
    const a = listCacheKey(res, { sort: "name", name: "x" }, anyone, false);
    const b = listCacheKey(res, { name: "x", sort: "name" }, anyone, false);
    assert.equal(a, b);
    assert.match(a!, /^list:gadgets#[0-9a-f]{10}\?name=x&sort=name$/);
    assert.equal(listCacheKey(res, {}, anyone, false), plainListKey(res));
    assert.equal(listCacheKey(res, { name: undefined }, anyone, false), plainListKey(res));
  });

  await t.step("later pages, searches, scoped callers and nested lists are not cached", () => {
    assert.equal(listCacheKey(res, { cursor: "c" }, anyone, false), null);
    assert.equal(listCacheKey(res, { q: "x" }, anyone, false), null);
    assert.equal(listCacheKey(res, {}, { userId: "u", companyIds: [] }, false), null);
    assert.equal(listCacheKey(res, {}, anyone, true), null);
    const plainOnly = defineResource({ ...spec, listCache: { key: "list:g", ttlMs: 1 } });
    assert.equal(listCacheKey(plainOnly, { name: "x" }, anyone, false), null);
    assert.notEqual(listCacheKey(plainOnly, {}, anyone, false), null);
  });

  await t.step("a build that writes rows differently keys its pages apart", () => {
    const wider = defineResource({
      ...spec,
      columns: { ...spec.columns, notes: text(20) },
    });
    assert.notEqual(plainListKey(wider), plainListKey(res));
    assert.equal(plainListKey(defineResource(spec)), plainListKey(res), "stable for one shape");
    assert.equal(plainListKey(defineResource({ ...spec, listCache: undefined })), null);
  });
});
