/**
 * UTC calendar helpers: real dates only, day bounds, time to midnight, month lists.
 *
 * @module
 */
import assert from "node:assert/strict";
import { monthsBetween, msToNextUtcMidnight, parseIsoDate, utcDate, utcDayBounds } from "./utc.ts";

Deno.test("parseIsoDate accepts real dates only", () => {
  assert.equal(parseIsoDate("2026-02-28"), Date.UTC(2026, 1, 28));
  assert.equal(parseIsoDate("2024-02-29"), Date.UTC(2024, 1, 29));
  // Years below 100 are those years (Date.UTC would read 0001 as 1901).
  assert.equal(new Date(parseIsoDate("0001-01-01")!).toISOString(), "0001-01-01T00:00:00.000Z");
  for (const bad of ["2026-02-29", "2026-13-01", "2026-1-01", "2026-01-01T00:00:00Z", ""]) {
    assert.equal(parseIsoDate(bad), null, bad);
  }
});

Deno.test("day bounds and time to midnight are UTC", () => {
  const ms = Date.UTC(2026, 10, 22, 23, 59, 59, 500);
  assert.equal(utcDate(ms), "2026-11-22");
  const { start, end } = utcDayBounds(ms);
  assert.equal(start.toISOString(), "2026-11-22T00:00:00.000Z");
  assert.equal(end.toISOString(), "2026-11-23T00:00:00.000Z");
  assert.equal(msToNextUtcMidnight(ms), 500);
  assert.equal(msToNextUtcMidnight(Date.UTC(2026, 10, 23)), 86_400_000);
});

Deno.test("monthsBetween lists every month, across years", () => {
  assert.deepEqual(monthsBetween(Date.UTC(2025, 10, 30), Date.UTC(2026, 1, 1)), [
    "2025-11",
    "2025-12",
    "2026-01",
    "2026-02",
  ]);
  assert.deepEqual(monthsBetween(Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 31)), ["2026-01"]);
});
