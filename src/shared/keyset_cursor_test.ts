/**
 * Cursors round-trip with microseconds intact and refuse anything else with a 422 naming cursor.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AppError } from "../errors.ts";
import { decodeCursor, encodeCursor } from "./keyset_cursor.ts";

Deno.test("a cursor round-trips its timestamp text and id", () => {
  const p = { ts: "2026-11-22T08:15:33.123456Z", id: crypto.randomUUID() };
  const c = encodeCursor(p);
  assert.match(c, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeCursor(c), p);
  assert.equal(decodeCursor(undefined), null);
});

Deno.test("a malformed cursor is a 422 naming the cursor", () => {
  const notUuid = encodeCursor({ ts: "2026-01-01T00:00:00Z", id: "x" });
  const notDate = encodeCursor({ ts: "yesterday", id: crypto.randomUUID() });
  for (const bad of ["%%%", "bm9uc2Vuc2U", notUuid, notDate]) {
    assert.throws(() => decodeCursor(bad), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 422);
      assert.equal(err.errors?.[0].path, "cursor");
      return true;
    }, bad);
  }
});
