import assert from "node:assert/strict";
import { fit, formatAge, formatBytes, formatDuration, formatRatio, truncate } from "./format.ts";

Deno.test("format", async (t) => {
  await t.step("bytes", () => {
    assert.equal(formatBytes(null), "-");
    assert.equal(formatBytes(512), "512 B");
    assert.equal(formatBytes(1536), "1.5 KiB");
    assert.equal(formatBytes(3 * 1024 * 1024), "3.0 MiB");
  });
  await t.step("durations and ages", () => {
    assert.equal(formatDuration(-1), "none");
    assert.equal(formatDuration(250), "250ms");
    assert.equal(formatDuration(90_000), "1m30s");
    assert.equal(formatDuration(26 * 3600_000), "1d2h");
    assert.equal(formatAge("2026-01-01T00:00:00Z", Date.parse("2026-01-01T00:02:00Z")), "2m0s ago");
    assert.equal(formatAge(null, 0), "-");
  });
  await t.step("text fitting", () => {
    assert.equal(truncate("abcdef", 4), "abc…");
    assert.equal(fit("ab", 4), "ab  ");
    assert.equal(fit("ab", 4, "right"), "  ab");
    assert.equal(formatRatio(0.5), "50.0%");
    assert.equal(formatRatio(null), "-");
  });
});
