// The section 6 verdicts from synthetic figures: met, gap with its explaining measurement, and
// not measured when a scenario is pending.
import assert from "node:assert/strict";
import type { ProfileInfo, Row } from "./report.ts";
import { checkTargets } from "./targets.ts";
import type { LoadResult } from "./wrk.ts";

function load(rps: number, p99Ms = 1, statuses: Record<string, number> = { "200": 1 }): LoadResult {
  return {
    rps,
    requests: rps,
    durationS: 1,
    p50Ms: 0.5,
    p90Ms: 0.8,
    p99Ms,
    maxMs: 2,
    meanMs: 0.6,
    statuses,
    errors: Object.entries(statuses).filter(([s]) => !s.startsWith("2") && s !== "429")
      .reduce((n, [, v]) => n + v, 0),
    throttled: statuses["429"] ?? 0,
    lostRows: 0,
  };
}

function row(name: string, c: number, r: LoadResult, extra: Partial<Row> = {}): Row {
  return { profile: "server", name, kind: "scenario", connections: c, result: r, ...extra };
}

const server: ProfileInfo = {
  name: "server",
  describe: "",
  seedSeconds: 1,
  startMs: [900],
  idleMb: 150,
  peakMb: 250,
  underLoadMb: 240,
};

Deno.test("checkTargets", async (t) => {
  await t.step("cached read at 45% of bare with p99 4 ms is met", () => {
    const rows = [
      row("cached_read", 64, load(4500, 4), { vsBare: 0.45 }),
      row("health", 64, load(9000), { vsBare: 0.9 }),
    ];
    const v = checkTargets(rows, [server], []);
    const cached = v.filter((c) => c.target.startsWith("cached read"));
    assert.deepEqual(cached.map((c) => c.verdict), ["met", "met"]);
    assert.equal(v.find((c) => c.target.startsWith("memory"))?.verdict, "met");
  });

  await t.step("a gap names the framework floor measured by /health", () => {
    const rows = [
      row("cached_read", 16, load(1000, 9), { vsBare: 0.02 }),
      row("health", 16, load(7000), { vsBare: 0.12 }),
    ];
    const gap = checkTargets(rows, [server], []).find((c) => c.target.startsWith("cached read >="));
    assert.equal(gap?.verdict, "gap");
    assert.match(gap!.explanation, /\/health .* x0\.12 @16/);
  });

  await t.step("a gap states the per-request budget and the measured call costs", () => {
    // 1,000 rps at x0.02 of bare: bare did 50,000, so 40% is 20,000 rps, 50 us per request.
    const rows = [row("cached_read", 64, load(1000, 9), { vsBare: 0.02 })];
    const gap = checkTargets(rows, [server], [], {
      layers: [{ name: "real createApp", us: 61.2 }],
      storeCosts: [{ call: "cache.get (Redis GET, 200 B)", cpuUs: 24.6, wallUs: 30 }],
    }).find((c) => c.target.startsWith("cached read >="));
    assert.match(gap!.explanation, /allows 50 us of API time per request/);
    assert.match(gap!.explanation, /\/health alone takes 61 us/);
    assert.match(gap!.explanation, /one Redis GET 25 us of CPU/);
  });

  await t.step("create below 3,000/s is a gap; a pending one is not measured", () => {
    const slow = checkTargets([row("create_invalidating", 16, load(1200))], [server], []);
    assert.equal(slow.find((c) => c.target.startsWith("create"))?.verdict, "gap");
    const pending = checkTargets([], [server], [{
      profile: "server",
      name: "create_invalidating",
      route: "POST /api/v1/pipeline-stages",
      reason: "route not served",
    }]);
    const c = pending.find((c) => c.target.startsWith("create"));
    assert.equal(c?.verdict, "not measured");
    assert.match(c!.explanation, /route not served/);
  });

  await t.step("500s are errors, 429s are not", () => {
    const ok = checkTargets([row("login", 16, load(10, 1, { "200": 9, "429": 5 }))], [server], []);
    assert.equal(ok.find((c) => c.target.startsWith("no error"))?.verdict, "met");
    const bad = checkTargets([row("login", 16, load(10, 1, { "200": 9, "500": 2 }))], [server], []);
    const e = bad.find((c) => c.target.startsWith("no error"));
    assert.equal(e?.verdict, "gap");
    assert.match(e!.explanation, /2x500/);
  });

  await t.step("memory over 300 MB under load is a gap", () => {
    const v = checkTargets([], [{ ...server, underLoadMb: 640 }], []);
    assert.equal(v.find((c) => c.target.startsWith("memory"))?.verdict, "gap");
  });
});
