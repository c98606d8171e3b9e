/**
 * Unit tests of defineResource: schemas derived from the columns, query parameters from the
 * filters, permissions per operation, and specs that name unknown columns refused at start-up.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createdAt, idColumn, int, money, oneOf, text, updatedAt, uuid } from "./columns.ts";
import { defineResource, type ResourceSpec } from "./resource.ts";
import { permissionTable } from "./route_permissions.ts";
import { RESOURCES } from "./registry/mod.ts";

const spec: ResourceSpec = {
  table: "widgets",
  path: "widgets",
  name: "WidgetT",
  tag: "t",
  permission: "leads",
  columns: {
    id: idColumn(),
    name: text(10).required(),
    status: oneOf(["a", "b"]).notNull(),
    score: int(0, 100),
    price: money(),
    owner_id: uuid().setToCaller(),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  filters: { status: "eq", score: "both", created_at: "range" },
  sorts: ["created_at", "score"],
  defaultSort: "-created_at",
};

Deno.test("create schema: required, nullable, ranges, scale, strict", () => {
  const w = defineResource(spec);
  assert.ok(w.createSchema.safeParse({ name: "x" }).success);
  assert.ok(w.createSchema.safeParse({ name: "x", score: null, price: 10.25 }).success);
  const bad = w.createSchema.safeParse({
    name: "",
    status: null,
    score: 101,
    price: 1.234,
    owner_id: "u",
    extra: 1,
  });
  assert.ok(!bad.success);
  const paths = bad.error.issues.map((i) =>
    i.code === "unrecognized_keys" ? i.keys.join(",") : i.path.join(".")
  ).sort();
  assert.deepEqual(paths, ["name", "owner_id,extra", "price", "score", "status"].sort());
  assert.ok(!w.createSchema.safeParse({}).success, "name is required");
  assert.ok(!w.createSchema.safeParse({ name: "12345678901" }).success, "varchar(10)");
  assert.ok(!w.createSchema.safeParse({ name: "x", price: -1 }).success, "money is not negative");
});

Deno.test("patch schema: all optional, at least one, server-set columns refused", () => {
  const w = defineResource(spec);
  assert.ok(w.patchSchema.safeParse({ score: 5 }).success);
  assert.ok(!w.patchSchema.safeParse({}).success);
  assert.ok(!w.patchSchema.safeParse({ id: crypto.randomUUID() }).success);
  assert.ok(!w.patchSchema.safeParse({ created_at: new Date().toISOString() }).success);
});

Deno.test("query schema and filter map come from the filters", () => {
  const w = defineResource(spec);
  assert.deepEqual([...w.filterParams.keys()].sort(), [
    "created_at_gte",
    "created_at_lte",
    "score",
    "score_gte",
    "score_lte",
    "status",
  ]);
  assert.ok(w.querySchema.safeParse({ status: "a", score_gte: "3", sort: "-score" }).success);
  assert.ok(!w.querySchema.safeParse({ status: "c" }).success);
  assert.ok(!w.querySchema.safeParse({ sort: "name" }).success);
  assert.ok(!w.querySchema.safeParse({ q: "x" }).success, "no search column, no q");
  assert.ok(!w.querySchema.safeParse({ name: "x" }).success, "not a filter");
});

Deno.test("specs naming unknown columns fail when defined", () => {
  assert.throws(() => defineResource({ ...spec, sorts: ["nope"], defaultSort: "nope" }), /unknown/);
  assert.throws(() => defineResource({ ...spec, filters: { nope: "eq" } }), /unknown/);
  assert.throws(() => defineResource({ ...spec, defaultSort: "-name" }), /not in sorts/);
});

Deno.test("permission table: one entry per operation, seed resources as written", () => {
  const table = permissionTable(RESOURCES);
  assert.deepEqual(table["GET /api/v1/companies"], ["contacts", "read"]);
  assert.deepEqual(table["POST /api/v1/leads/:id/interactions"], ["leads", "create"]);
  assert.deepEqual(table["DELETE /api/v1/leads/:id/interactions/:interaction_id"], [
    "leads",
    "delete",
  ]);
  assert.deepEqual(table["PATCH /api/v1/pipeline-stages/:id"], ["deals", "update"]);
  assert.deepEqual(table["GET /api/v1/invoices/:id"], ["invoices", "read"]);
  assert.deepEqual(table["POST /api/v1/payments"], ["finance", "create"]);
  assert.deepEqual(table["GET /api/v1/equipment"], ["projects", "read"]);
  assert.equal(table["GET /api/v1/notifications"], "user");
  assert.deepEqual(table["POST /api/v1/notifications"], ["notifications", "create"]);
  assert.deepEqual(table["GET /api/v1/audit-logs"], ["audit", "read"]);
  assert.equal(table["POST /api/v1/audit-logs"], undefined);
});
