import assert from "node:assert/strict";
import { parseMetrics, processFigures } from "./process_metrics.ts";

const text = (requests: number, fast: number, slow: number) =>
  [
    "# HELP polystore_http_requests_total requests",
    `polystore_http_requests_total{method="GET",status="200"} ${requests - 1}`,
    `polystore_http_requests_total{method="POST",status="201"} 1`,
    `polystore_http_request_duration_seconds_bucket{le="0.005",route="/a"} ${fast}`,
    `polystore_http_request_duration_seconds_bucket{le="0.1",route="/a"} ${fast + slow}`,
    `polystore_http_request_duration_seconds_bucket{le="+Inf",route="/a"} ${fast + slow}`,
    "process_resident_memory_bytes 52428800",
  ].join("\n");

Deno.test("process figures from /metrics", async (t) => {
  await t.step("parses counters, buckets and RSS", () => {
    const s = parseMetrics(text(10, 10, 0), 0);
    assert.equal(s.requests, 10);
    assert.equal(s.rssBytes, 52428800);
    assert.equal(s.buckets.get(Infinity), 10);
  });
  await t.step("rate and p99 over the interval", () => {
    const a = parseMetrics(text(100, 100, 0), 0);
    const b = parseMetrics(text(300, 150, 150), 2000);
    const f = processFigures(a, b);
    assert.equal(f.rps, 100);
    assert.equal(f.p99_ms, 100, "the slow half of the interval's requests sets p99");
    assert.equal(processFigures(null, a).p99_ms, 5);
    assert.equal(processFigures(null, a).rps, null);
  });
});
