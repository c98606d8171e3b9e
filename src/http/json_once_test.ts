import assert from "node:assert/strict";
import { jsonOnce } from "./json_once.ts";

Deno.test("jsonOnce serialises an object once and answers the same text after", () => {
  let calls = 0;
  const value = { items: [{ id: 1 }], toJSON: undefined as unknown };
  value.toJSON = () => {
    calls++;
    return { items: value.items };
  };
  const first = jsonOnce(value);
  assert.equal(first, '{"items":[{"id":1}]}');
  assert.equal(jsonOnce(value), first);
  assert.equal(calls, 1);
  // Another object, even an equal one, is serialised for itself.
  assert.equal(jsonOnce({ items: [{ id: 2 }] }), '{"items":[{"id":2}]}');
});
