/**
 * Unit tests of the engine's pure parts: identifier checks, cursors, ETags and If-Match, and who
 * counts as company-scoped.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AppError } from "../../errors.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { etagOfJson, ifMatchAllows } from "../../shared/etag.ts";
import { callerOf } from "./scope.ts";
import { ident, likePattern, Params, writeValue } from "./sql.ts";

Deno.test("ident quotes registry names and refuses anything else", () => {
  assert.equal(ident("created_at"), '"created_at"');
  for (const bad of ['a"b', "a b", "A", "x;drop", "", "1a"]) {
    assert.throws(() => ident(bad), /unsafe SQL identifier/, bad);
  }
});

Deno.test("Params numbers placeholders; JSON and arrays are bound as JSON text", () => {
  const p = new Params();
  assert.equal(p.add("x"), "$1");
  assert.equal(writeValue(p, "jsonb", { a: 1 }), "$2::jsonb");
  assert.equal(
    writeValue(p, "text[]", ["a", "b"]),
    "array(select jsonb_array_elements_text($3::jsonb))",
  );
  assert.equal(writeValue(p, "text[]", null), "$4::text[]");
  assert.equal(writeValue(p, "int", 5), "$5");
  assert.deepEqual(p.values, ["x", '{"a":1}', '["a","b"]', null, 5]);
  assert.equal(likePattern("50%_off\\"), "%50\\%\\_off\\\\%");
});

Deno.test("cursors round-trip and refuse tampering or another ordering", () => {
  const id = crypto.randomUUID();
  const state = { sort: "-created_at", q: null, value: "2026-01-01 10:00:00.123456+00", id };
  const text = encodeCursor(state);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(text, "-created_at", null), state);
  const refused = (fn: () => unknown) =>
    assert.throws(
      fn,
      (e) => e instanceof AppError && e.status === 422 && e.errors?.[0].path === "cursor",
    );
  refused(() => decodeCursor(text, "created_at", null));
  refused(() => decodeCursor(text, "-created_at", "acme"));
  refused(() => decodeCursor("%%%", "-created_at", null));
  refused(() =>
    decodeCursor(
      btoa(JSON.stringify({ s: "-created_at", q: null, v: null, id: "x" })),
      "-created_at",
      null,
    )
  );
  const nullValue = encodeCursor({ ...state, value: null });
  assert.equal(decodeCursor(nullValue, "-created_at", null).value, null);
});

Deno.test("ETags follow the row; If-Match accepts none, *, lists and weak forms", () => {
  const a = etagOfJson('{"id":"1","n":1}');
  assert.equal(a, etagOfJson('{"id":"1","n":1}'));
  assert.notEqual(a, etagOfJson('{"id":"1","n":2}'));
  assert.match(a, /^"[A-Za-z0-9_-]{24}"$/);
  assert.ok(ifMatchAllows(undefined, a));
  assert.ok(ifMatchAllows("*", a));
  assert.ok(ifMatchAllows(`"x", ${a}`, a));
  assert.ok(ifMatchAllows(`W/${a}`, a));
  assert.ok(!ifMatchAllows('"x"', a));
  assert.ok(!ifMatchAllows("", a));
});

Deno.test("cliente callers are company-scoped unless also admin", () => {
  const base = { userId: "u", companyIds: ["c1"] };
  assert.deepEqual(callerOf({ ...base, roles: ["cliente"] }).companyIds, ["c1"]);
  assert.deepEqual(callerOf({ ...base, roles: ["cliente", "diretor"] }).companyIds, ["c1"]);
  assert.equal(callerOf({ ...base, roles: ["cliente", "admin"] }).companyIds, null);
  assert.equal(callerOf({ ...base, roles: ["diretor"] }).companyIds, null);
});
