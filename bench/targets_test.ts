// Issue 15's verdicts from synthetic figures: met, gap with its explaining measurement, and
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
  const verdictOf = (v: ReturnType<typeof checkTargets>, prefix: string) =>
    v.filter((c) => c.target.startsWith(prefix)).map((c) => c.verdict);

  await t.step("the table checks exactly issue 15's targets and the insight lag", () => {
    const v = checkTargets([], [server, { ...server, name: "embedded" }], []);
    const names = [...new Set(v.map((c) => c.target))].sort();
    assert.deepEqual(names, [
      "/health >= 50% of bare Deno.serve at 16 connections",
      "auth_me within 1.5x of the cached read (rps)",
      "create with audit and cache invalidation >= 2,000/s",
      "filtered list p50 <= 3 ms at one connection",
      "filtered list p50 <= 8 ms at one connection",
      "fuzzy search p50 <= 10 ms at one connection",
      "insight text to graph-visible relationship p99 < 1 s at 20 writes/s",
      "memory under load <= 300 MB resident",
      "memory under load <= 400 MB resident",
      "polystore / PocketBase >= 1.0 every row, >= 2.0 on reads",
      "read by id >= 30% of pgbench -S at 16 connections",
      "signed-in cached read >= 0.25 of redis-benchmark GET",
      "signed-in cached read >= 20% of bare Deno.serve",
    ]);
  });

  await t.step("/health at 16 connections: 50% of bare is met, 40% a gap", () => {
    const met = checkTargets([row("health", 16, load(9000), { vsBare: 0.5 })], [server], []);
    assert.deepEqual(verdictOf(met, "/health"), ["met"]);
    const gap = checkTargets([row("health", 16, load(9000), { vsBare: 0.4 })], [server], []);
    assert.deepEqual(verdictOf(gap, "/health"), ["gap"]);
  });

  await t.step("a /health gap compares it with the bare server sending the same answer", () => {
    const base = (name: string, rps: number) => ({
      ...row(name, 16, load(rps)),
      kind: "baseline" as const,
    });
    const rows = [
      base("bare", 80_000),
      base("bare_answer", 60_000),
      row("health", 16, load(30_000), { vsBare: 0.375 }),
    ];
    const gap = checkTargets(rows, [server], []).find((c) => c.target.startsWith("/health"));
    assert.match(
      gap!.explanation,
      /same answer .* reaches x0\.75 of bare, and \/health x0\.50 of that/,
    );
  });

  await t.step("cached read: 20% of bare and 0.25 of Redis GET; auth_me within 1.5x", () => {
    const rows = [
      row("cached_read", 16, load(3000), { vsBare: 0.21, vsStore: 0.26 }),
      row("auth_me", 16, load(2100), { vsBare: 0.15 }),
    ];
    const v = checkTargets(rows, [server], []);
    assert.deepEqual(verdictOf(v, "signed-in cached read"), ["met", "met"]);
    assert.deepEqual(verdictOf(v, "auth_me"), ["met"]);
    const slow = checkTargets(
      [
        row("cached_read", 16, load(3000), { vsBare: 0.19, vsStore: 0.2 }),
        row("auth_me", 16, load(1900), { vsBare: 0.1 }),
      ],
      [server],
      [],
    );
    assert.deepEqual(verdictOf(slow, "signed-in cached read"), ["gap", "gap"]);
    assert.deepEqual(verdictOf(slow, "auth_me"), ["gap"]);
  });

  await t.step("a gap states the per-request budget and the measured call costs", () => {
    // 1,000 rps at x0.02 of bare: bare did 50,000, so 20% is 10,000 rps, 100 us per request.
    const rows = [row("cached_read", 64, load(1000, 9), { vsBare: 0.02, vsStore: 0.3 })];
    const gap = checkTargets(rows, [server], [], {
      layers: [{ name: "real createApp", us: 61.2 }],
      storeCosts: [{ call: "cache.get (Redis GET, 200 B)", cpuUs: 24.6, wallUs: 30 }],
    }).find((c) => c.target.startsWith("signed-in cached read >= 20%"));
    assert.equal(gap?.verdict, "gap");
    assert.match(gap!.explanation, /allows 100 us of API time per request/);
    assert.match(gap!.explanation, /\/health alone takes 61 us/);
    assert.match(gap!.explanation, /one Redis GET 25 us of CPU/);
  });

  await t.step("list p50 at one connection: 3 ms server, 8 ms embedded", () => {
    const embedded = { ...server, name: "embedded" as const };
    const p50 = (ms: number) => ({ ...load(300), p50Ms: ms });
    const rows = [
      row("list_filtered", 1, p50(2.9)),
      { ...row("list_filtered", 1, p50(7.5)), profile: "embedded" as const },
      row("list_filtered", 16, p50(40)),
    ];
    const v = checkTargets(rows, [server, embedded], []);
    assert.deepEqual(verdictOf(v, "filtered list"), ["met", "met"]);
    const slow = checkTargets([row("list_filtered", 1, p50(3.5))], [server], []);
    assert.deepEqual(verdictOf(slow, "filtered list"), ["gap"]);
  });

  await t.step("read by id, fuzzy search and creates on the server", () => {
    const p50 = (ms: number, rps = 100) => ({ ...load(rps), p50Ms: ms });
    const v = checkTargets(
      [
        row("read_by_id", 16, load(9000), { vsStore: 0.31 }),
        row("fuzzy_search", 1, p50(9.9)),
        row("create_invalidating", 16, load(2100)),
      ],
      [server],
      [],
    );
    assert.deepEqual(verdictOf(v, "read by id"), ["met"]);
    assert.deepEqual(verdictOf(v, "fuzzy"), ["met"]);
    assert.deepEqual(verdictOf(v, "create"), ["met"]);
    const w = checkTargets(
      [
        row("read_by_id", 16, load(9000), { vsStore: 0.29 }),
        row("fuzzy_search", 1, p50(12)),
        row("create_invalidating", 16, load(1200)),
      ],
      [server],
      [],
    );
    assert.deepEqual(verdictOf(w, "read by id"), ["gap"]);
    assert.deepEqual(verdictOf(w, "fuzzy"), ["gap"]);
    assert.deepEqual(verdictOf(w, "create"), ["gap"]);
  });

  await t.step("a pending scenario is not measured, with the reason", () => {
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

  await t.step("memory: 300 MB on the server, 400 MB embedded", () => {
    const embedded = { ...server, name: "embedded" as const, underLoadMb: 390 };
    const v = checkTargets([], [{ ...server, underLoadMb: 310 }, embedded], []);
    assert.deepEqual(verdictOf(v, "memory"), ["gap", "met"]);
  });

  await t.step("PocketBase: x1.0 on every row, x2.0 on reads", () => {
    const embedded = { ...server, name: "embedded" as const };
    const peer = (ratio: number, scenario = "view_by_id") => ({
      scenario,
      connections: 16,
      ratio,
      read: scenario !== "create",
    });
    const met = checkTargets([], [embedded], [], {
      layers: [],
      storeCosts: [],
      peer: [peer(2.1), peer(1.1, "create")],
    });
    assert.deepEqual(verdictOf(met, "polystore / PocketBase"), ["met"]);
    const gap = checkTargets([], [embedded], [], {
      layers: [],
      storeCosts: [],
      peer: [peer(1.5), peer(1.1, "create")],
    });
    assert.deepEqual(verdictOf(gap, "polystore / PocketBase"), ["gap"]);
    assert.match(gap[gap.length - 2].explanation, /view_by_id@16/);
    assert.deepEqual(verdictOf(checkTargets([], [embedded], []), "polystore"), ["not measured"]);
  });
});
