// The run's figures as a printed table and as bench/results/<date>.md: every scenario and
// baseline per profile and concurrency, ratios to the same-run baselines, memory, start times,
// driver comparison, pending scenarios and the design section 6 targets.
import type { DriverFigure } from "./driver_compare.ts";
import type { LayerCost } from "./layers.ts";
import type { StoreCost } from "./store_costs.ts";
import type { ProfileName } from "./profiles.ts";
import type { SeedSize } from "./seed.ts";
import type { TargetCheck } from "./targets.ts";
import type { LoadResult } from "./wrk.ts";

/** One row of the table: a scenario or a baseline at one concurrency. */
export interface Row {
  profile: ProfileName;
  name: string;
  kind: "scenario" | "baseline";
  connections: number;
  result: LoadResult;
  /** rps divided by the bare Deno.serve's rps at the same concurrency, same profile pass. */
  vsBare?: number;
  /** rps divided by the raw store baseline's (pgbench or redis) at the same concurrency. */
  vsStore?: number;
  storeBaseline?: string;
  /** API resident memory right after the run, and the most sampled during it (MB). */
  rssMb?: number;
  loadMb?: number;
}

/** A scenario that produced no figures, and why. */
export interface Pending {
  profile: ProfileName;
  name: string;
  route: string;
  reason: string;
}

export interface ProfileInfo {
  name: ProfileName;
  describe: string;
  seedSeconds: number;
  /** Milliseconds from spawn to /health 200: first start, then a restart on the same folder. */
  startMs: number[];
  /** VmRSS right after start, before any load (MB). */
  idleMb?: number;
  /** Embedded only: a process holding nothing but PGlite open on the same folder (MB). */
  floorMb?: number;
  /** VmHWM of the API process at the end: the peak since it started, start-up included (MB). */
  peakMb?: number;
  /** The most resident memory sampled while any scenario's load ran (MB). */
  underLoadMb?: number;
  /** Insight text to graph-visible relationship at a fixed write rate (bench/insight_lag.ts). */
  insightLag?: { ratePerS: number; writes: number; p50Ms: number; p99Ms: number };
}

export interface RunReport {
  date: string;
  quick: boolean;
  durationS: number;
  connections: number[];
  seedSize: SeedSize;
  machine: string[];
  /** The commit measured (and whether the API's files had uncommitted changes). */
  api: string;
  hash: { ms: number; params: string; source: string };
  profiles: ProfileInfo[];
  rows: Row[];
  pending: Pending[];
  drivers: DriverFigure[];
  /** API-thread CPU per store call through the adapters (server profile). */
  storeCosts: StoreCost[];
  targets: TargetCheck[];
  /** In-process CPU per /health request as middleware is added (bench/layers.ts). */
  layers: LayerCost[];
  notes: string[];
  wallSeconds: number;
}

const f = (n: number | undefined, digits = 2) =>
  n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits);
const int = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "-" : Math.round(n).toLocaleString("en-US");

const HEAD = [
  "profile",
  "scenario",
  "conns",
  "rps",
  "p50 ms",
  "p99 ms",
  "max ms",
  "errors",
  "429",
  "x bare",
  "x store",
  "RSS MB",
  "load MB",
];

function cells(r: Row): string[] {
  return [
    r.profile,
    r.kind === "baseline" ? `[${r.name}]` : r.name,
    String(r.connections),
    int(r.result.rps),
    f(r.result.p50Ms),
    f(r.result.p99Ms),
    f(r.result.maxMs, 1),
    String(r.result.errors),
    String(r.result.throttled),
    r.vsBare === undefined ? "-" : f(r.vsBare),
    r.vsStore === undefined ? "-" : `${f(r.vsStore)} ${r.storeBaseline ?? ""}`.trim(),
    r.rssMb === undefined ? "-" : f(r.rssMb, 0),
    r.loadMb === undefined ? "-" : f(r.loadMb, 0),
  ];
}

/** The table as aligned plain text, for the terminal. */
export function textTable(rows: Row[]): string {
  const all = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) =>
    r.map((c, i) => (i <= 1 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")
  ).join("\n");
}

function mdTable(head: string[], body: string[][]): string {
  return [
    `| ${head.join(" | ")} |`,
    `| ${head.map(() => "---").join(" | ")} |`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

/** The whole report as Markdown. */
export function markdown(r: RunReport): string {
  const out: string[] = [];
  out.push(`# Bench results ${r.date}${r.quick ? " (quick)" : ""}`);
  out.push("");
  out.push(
    `\`deno task bench${r.quick ? " --quick" : ""}\`: wrk (2 threads) for ${r.durationS} s per ` +
      `scenario at ${r.connections.join(", ")} connections after a warm-up; ratios are to ` +
      `baselines taken in the same pass of the same profile. Whole run: ${
        f(r.wallSeconds / 60, 1)
      } min.`,
  );
  out.push("");
  out.push(`API measured: ${r.api}. Machine: ${r.machine.join("; ")}.`);
  out.push("");
  out.push(
    `Data set: ${r.seedSize.users} users, ${r.seedSize.companies} companies (+1 contact each), ` +
      `${r.seedSize.leads} leads, ${r.seedSize.deals} deals, ${r.seedSize.auditRows} audit rows, ` +
      `one dashboard with a metric sample every ${r.seedSize.metricEveryMinutes} min for 30 days.`,
  );
  out.push("");
  for (const p of r.profiles) {
    out.push(
      `- **${p.name}**: ${p.describe}. Seeded in ${f(p.seedSeconds, 1)} s. Start to /health 200: ` +
        `${p.startMs.map((ms) => `${int(ms)} ms`).join(", then on restart ")}. ` +
        `API resident memory: ${f(p.idleMb, 0)} MB idle after start, at most ` +
        `${f(p.underLoadMb, 0)} MB under load ` +
        `(VmHWM since start, start-up included: ${f(p.peakMb, 0)} MB).`,
    );
  }
  out.push("");
  out.push("## Targets (design section 6)");
  out.push("");
  out.push(mdTable(
    ["target", "profile", "measured", "verdict", "explanation"],
    r.targets.map((t) => [t.target, t.profile, t.measured, t.verdict, t.explanation]),
  ));
  out.push("");
  out.push("## Figures");
  out.push("");
  out.push(
    "`[name]` rows are baselines; `[bare_answer]` is the bare server sending the API's /health " +
      "answer (same headers, a fresh request id, same body). errors: non-2xx other than 429 " +
      "plus socket errors. " +
      "x bare: rps / bare Deno.serve rps; x store: rps / pgbench -S TPS or redis-benchmark GET rps " +
      "(server profile only). RSS MB: the API's VmRSS after the run; load MB: the most sampled " +
      "(every 250 ms) during it.",
  );
  out.push("");
  out.push(mdTable(HEAD, r.rows.map(cells)));
  out.push("");
  out.push(
    `Login: one argon2id hash (${r.hash.params}, from ${r.hash.source}) costs ` +
      `${f(r.hash.ms, 1)} ms in-process; with 2 cores that alone caps login near ` +
      `${int(2000 / r.hash.ms)} per second.`,
  );
  out.push("");
  if (r.layers.length > 0) {
    out.push("## Framework floor: CPU per GET /health, in-process");
    out.push("");
    out.push(
      "`app.fetch` in a loop (no sockets), middleware of src/app.ts added one at a time in its " +
        "order; minimum of 7 interleaved rounds of 3,000 requests. The last row is one access-token " +
        "check, which a signed-in request pays twice (rate limiter and guard each verify the JWT).",
    );
    out.push("");
    out.push(
      mdTable(["configuration", "us per request"], r.layers.map((l) => [l.name, f(l.us, 1)])),
    );
    out.push("");
  }
  if (r.storeCosts.length > 0) {
    out.push("## What one store call costs the API process (server profile)");
    out.push("");
    out.push(
      "Through the project's adapters (ioredis, npm:pg) from a separate Deno process, 16 calls " +
        "in flight, 20,000 calls each; CPU is the process's user + system time per call.",
    );
    out.push("");
    out.push(mdTable(
      ["call", "CPU us per call", "wall us per call"],
      r.storeCosts.map((c) => [c.call, f(c.cpuUs, 1), f(c.wallUs, 1)]),
    ));
    out.push("");
  }
  if (r.drivers.length > 0) {
    out.push("## npm:pg (adapter) vs npm:postgres, read by id, pool 10, server Postgres");
    out.push("");
    out.push(mdTable(
      ["driver", "concurrency", "queries/s", "p50 ms", "p99 ms"],
      r.drivers.map((d) => [d.driver, String(d.concurrency), int(d.qps), f(d.p50Ms), f(d.p99Ms)]),
    ));
    out.push("");
  }
  if (r.pending.length > 0) {
    out.push("## Pending scenarios");
    out.push("");
    out.push(mdTable(
      ["profile", "scenario", "route", "reason"],
      r.pending.map((p) => [p.profile, p.name, `\`${p.route}\``, p.reason]),
    ));
    out.push("");
  }
  if (r.notes.length > 0) {
    out.push("## Notes");
    out.push("");
    for (const n of r.notes) out.push(`- ${n}`);
    out.push("");
  }
  return out.join("\n");
}
