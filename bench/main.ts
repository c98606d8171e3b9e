// `deno task bench`: seeds each profile, starts the API in its own process, drives every hot path
// with wrk at fixed concurrencies next to same-run baselines, and writes bench/results/<date>.md.
// Flags: --quick, --profile=embedded|server|both, --connections=1,16,64, --duration=S,
// --scenarios=a,b, --at=<git rev> (measure a clean export of that commit), --api-dir=<path>
// (measure another copy), --api-env=K=V,K=V (extra API settings), --no-diagnostics
// (skip the middleware-layer costs and the driver comparison; --quick skips them too),
// --no-write, --peer=pocketbase (PocketBase side by side with the embedded profile),
// --cpu-prof=DIR (the API runs with V8's CPU profiler; one .cpuprofile per API start
// lands in DIR when the API stops, for `deno run bench/profile_summary.ts DIR/x.cpuprofile`).
import { parseArgs } from "node:util";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp } from "../src/migrate/runner.ts";
import { type ApiSource, apiSource, REPO_ROOT, startTaskV8Flags } from "./api_source.ts";
import { pgbenchSelect, preparePgbench, prepareRedis, redisGet } from "./baselines.ts";
import { compareDrivers, type DriverFigure } from "./driver_compare.ts";
import { ensureTool, run } from "./exec.ts";
import type { LayerCost } from "./layers.ts";
import { errorLines } from "./log_errors.ts";
import {
  buildPocketbase,
  PEER_SCENARIOS,
  POCKETBASE_VERSION,
  startPocketbase,
} from "./peer_pocketbase.ts";
import type { StoreCost } from "./store_costs.ts";
import { hashCostMs, loadHasher } from "./password.ts";
import {
  embeddedProfile,
  openOneConnection,
  type Profile,
  type ProfileName,
  readServerEnv,
  serverProfile,
} from "./profiles.ts";
import { markdown, type Pending, type ProfileInfo, type Row, textTable } from "./report.ts";
import { type Scenario, SCENARIOS } from "./scenarios.ts";

/** The name `--scenarios` takes for the insight lag run, which is not a wrk scenario. */
const INSIGHT_LAG = "insight_lag";
import {
  BENCH_PASSWORD,
  FULL_SEED,
  QUICK_SEED,
  seed,
  type SeedInfo,
  type SeedSize,
} from "./seed.ts";
import { type ServerProcess, startServer } from "./server_process.ts";
import { checkTargets, type PeerRatio } from "./targets.ts";
import { TokenPool } from "./tokens.ts";
import { removeProjectedNodes } from "./graph_cleanup.ts";
import { openNeo4jGraph } from "../src/stores/graph/neo4j.ts";
import { type LoadResult, type Plan, runWrk, WRK } from "./wrk.ts";

interface Options {
  quick: boolean;
  profiles: ProfileName[];
  connections: number[];
  durationS: number;
  warmS: number;
  scenarios: Scenario[];
  /** The insight lag run (bench/insight_lag.ts): on unless `--scenarios` leaves out `insight_lag`. */
  insightLag: boolean;
  seedSize: SeedSize;
  /** Middleware layer costs and the npm:pg / npm:postgres comparison. */
  diagnostics: boolean;
  write: boolean;
  at: string | undefined;
  apiDir: string | undefined;
  /** Extra environment for the API process (tuning experiments: LOG_LEVEL, DB_POOL_SIZE...). */
  apiEnv: Record<string, string>;
  /** A peer to run side by side with the embedded profile. */
  peer: "pocketbase" | undefined;
  /** Where the API writes CPU profiles (absolute), when profiling. */
  cpuProf: string | undefined;
}

async function options(): Promise<Options> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      profile: { type: "string" },
      connections: { type: "string" },
      duration: { type: "string" },
      scenarios: { type: "string" },
      at: { type: "string" },
      "api-dir": { type: "string" },
      "api-env": { type: "string" },
      "no-diagnostics": { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      "cpu-prof": { type: "string" },
      peer: { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  const hasServers = (await readServerEnv()) !== null;
  const profile = values.profile ?? (hasServers ? "both" : "embedded");
  if (!["embedded", "server", "both"].includes(profile)) {
    throw new Error("--profile must be embedded, server or both");
  }
  if (profile !== "embedded" && !hasServers) {
    throw new Error("server profile needs .services/env (run scripts/services.sh up)");
  }
  const list = (s: string | undefined) => s?.split(",").map((v) => v.trim()).filter(Boolean);
  const names = list(values.scenarios);
  const unknown = names?.filter((n) => n !== INSIGHT_LAG && !SCENARIOS.some((s) => s.name === n)) ??
    [];
  if (unknown.length > 0) {
    throw new Error(
      `unknown scenario ${unknown.join(", ")}; known: ${
        [...SCENARIOS.map((s) => s.name), INSIGHT_LAG].join(", ")
      }`,
    );
  }
  return {
    quick,
    profiles: profile === "both" ? ["embedded", "server"] : [profile as ProfileName],
    connections: list(values.connections)?.map(Number) ?? (quick ? [16] : [1, 16, 64]),
    durationS: Number(values.duration ?? (quick ? 2 : 8)),
    warmS: quick ? 1 : 2,
    scenarios: names ? SCENARIOS.filter((s) => names.includes(s.name)) : SCENARIOS,
    insightLag: !names || names.includes(INSIGHT_LAG),
    seedSize: quick ? QUICK_SEED : FULL_SEED,
    diagnostics: !quick && !values["no-diagnostics"],
    write: !values["no-write"],
    at: values.at,
    apiDir: values["api-dir"],
    peer: values.peer === undefined ? undefined : peerName(values.peer),
    cpuProf: values["cpu-prof"] === undefined
      ? undefined
      : new URL(values["cpu-prof"], `file://${Deno.cwd()}/`).pathname,
    apiEnv: Object.fromEntries(
      (list(values["api-env"]) ?? []).map((kv) => {
        const i = kv.indexOf("=");
        if (i < 1) throw new Error(`--api-env wants KEY=VALUE, got ${kv}`);
        return [kv.slice(0, i), kv.slice(i + 1)];
      }),
    ),
  };
}

function peerName(v: string): "pocketbase" {
  if (v !== "pocketbase") throw new Error("--peer knows only pocketbase");
  return v;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

const t0 = performance.now();
const log = (msg: string) =>
  console.error(`bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)}s: ${msg}`);

/**
 * Waits until the API answers /health promptly again. wrk abandons in-flight requests when it
 * stops, and the server still works through them (seconds' worth for login); the next run must
 * not inherit that backlog.
 */
async function settle(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const t = performance.now();
    const res = await fetch(`${baseUrl}/health`);
    await res.body?.cancel();
    if (performance.now() - t < 20) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`API still busy ${timeoutMs} ms after a run`);
}

/**
 * True when the running API serves `route`: asked without a token (and with an empty JSON body),
 * a served route answers 401, 422 or 200 while an unknown one answers 404 (or 405).
 */
async function serves(baseUrl: string, route: string): Promise<boolean> {
  const [method, path] = route.split(" ");
  const url = baseUrl + path.replace(/:[A-Za-z_]+/g, crypto.randomUUID());
  const hasBody = method !== "GET" && method !== "DELETE";
  const res = await fetch(url, {
    method,
    headers: hasBody ? { "Content-Type": "application/json" } : {},
    body: hasBody ? "{}" : undefined,
  });
  await res.body?.cancel();
  return res.status !== 404 && res.status !== 405;
}

async function startApi(
  source: ApiSource,
  profile: Profile,
  port: number,
  logFile: string,
  extraEnv: Record<string, string>,
  cpuProf?: string,
): Promise<ServerProcess> {
  const prof = cpuProf === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProf}`];
  const v8 = await startTaskV8Flags(source);
  return await startServer({
    denoArgs: ["run", "--allow-all", ...v8, ...prof, "main.ts"],
    cwd: source.dir,
    port,
    env: { ...profile.apiEnv, ...extraEnv },
    logFile,
  });
}

interface PassResult {
  rows: Row[];
  pending: Pending[];
  info: ProfileInfo;
  seed: SeedInfo;
  notes: string[];
  /** polystore / PocketBase per peer scenario (--peer=pocketbase, embedded pass). */
  peer: PeerRatio[];
}

/** Seeds one profile, starts its API and runs every scenario plus the baselines. */
async function runProfile(
  source: ApiSource,
  profile: Profile,
  opts: Options,
  bare: ServerProcess,
  passwordHash: string,
  workDir: string,
): Promise<PassResult> {
  const rows: Row[] = [];
  const pending: Pending[] = [];
  const peer: PeerRatio[] = [];
  const notes: string[] = [];

  log(`${profile.name}: migrating and seeding`);
  const db = await profile.openDb();
  let seedInfo: SeedInfo;
  try {
    await migrateUp(db, await loadMigrations(new URL(`file://${source.dir}/sql/`)));
    seedInfo = await seed(db, opts.seedSize, passwordHash);
  } finally {
    await db.close();
  }
  log(`${profile.name}: seeded in ${seedInfo.seconds.toFixed(1)} s`);

  const port = await freePort();
  const logFile = `${workDir}/api_${profile.name}.log`;
  // Start twice on the same folder: the second start is the "existing data folder" figure.
  const first = await startApi(source, profile, port, logFile, opts.apiEnv);
  await first.stop();
  const api = await startApi(source, profile, port, logFile, opts.apiEnv, opts.cpuProf);
  const startMs = [first.startMs, api.startMs];
  const idleMb = (await api.memory()).rssMb;
  log(`${profile.name}: API up (start ${startMs.map((m) => Math.round(m)).join(" ms, ")} ms)`);

  let peakMb = 0;
  let underLoadMb = 0;
  let pglitefloorMb: number | undefined;
  try {
    const tokens = new TokenPool(api.baseUrl);
    const ctx = { baseUrl: api.baseUrl, seed: seedInfo, tokens };

    // Baselines of this pass, at each concurrency.
    const bareBy = new Map<number, LoadResult>();
    const pgBy = new Map<number, LoadResult>();
    const redisBy = new Map<number, LoadResult>();
    for (const c of opts.connections) {
      const b = await runWrk(bare.baseUrl, { requests: [{ method: "GET", path: "/" }] }, {
        connections: c,
        durationS: opts.durationS,
        workDir,
      });
      bareBy.set(c, b);
      rows.push({
        profile: profile.name,
        name: "bare",
        kind: "baseline",
        connections: c,
        result: b,
      });
      // The same server sending the API's /health answer: what its headers cost the runtime.
      const answer = await runWrk(bare.baseUrl, {
        requests: [{ method: "GET", path: "/health" }],
      }, { connections: c, durationS: opts.durationS, workDir });
      rows.push({
        profile: profile.name,
        name: "bare_answer",
        kind: "baseline",
        connections: c,
        result: answer,
      });
    }
    if (profile.baselines) {
      const { pgbenchUrl, redisUrl, redisDb } = profile.baselines;
      await preparePgbench(pgbenchUrl, opts.quick ? 1 : 10);
      await prepareRedis(redisUrl, redisDb);
      for (const c of opts.connections) {
        const pgb = await pgbenchSelect(pgbenchUrl, c, opts.durationS, workDir);
        pgBy.set(c, pgb);
        rows.push({
          profile: profile.name,
          name: "pgbench",
          kind: "baseline",
          connections: c,
          result: pgb,
        });
        const rg = await redisGet(redisUrl, redisDb, c, opts.durationS);
        redisBy.set(c, rg);
        rows.push({
          profile: profile.name,
          name: "redis",
          kind: "baseline",
          connections: c,
          result: rg,
        });
      }
    }

    for (const sc of opts.scenarios) {
      if (!(await serves(api.baseUrl, sc.route))) {
        pending.push({
          profile: profile.name,
          name: sc.name,
          route: sc.route,
          reason: "route not served by this build of the API",
        });
        log(`${profile.name}: ${sc.name} pending (no ${sc.route})`);
        continue;
      }
      try {
        log(`${profile.name}: ${sc.name}`);
        await runWrk(api.baseUrl, await sc.plan(ctx), {
          connections: sc.minDurationS ? 1 : 16,
          durationS: opts.warmS,
          workDir,
        });
        await settle(api.baseUrl);
        for (const c of opts.connections) {
          const plan = await sc.plan(ctx);
          // Resident memory sampled while the load runs: "under load" is what the target means,
          // and VmHWM would also count the start-up peak (migrations, WASM compile).
          let loadMb = 0;
          const sampler = setInterval(() => {
            api.memory().then((m) => loadMb = Math.max(loadMb, m.rssMb), () => {});
          }, 250);
          let result: LoadResult;
          try {
            result = await runWrk(api.baseUrl, plan, {
              connections: c,
              durationS: Math.max(opts.durationS, (sc.minDurationS ?? 0) / (opts.quick ? 2 : 1)),
              workDir,
            });
          } finally {
            clearInterval(sampler);
          }
          await settle(api.baseUrl);
          const mem = await api.memory();
          loadMb = Math.max(loadMb, mem.rssMb);
          underLoadMb = Math.max(underLoadMb, loadMb);
          peakMb = Math.max(peakMb, mem.peakMb);
          const store = sc.storeBaseline === "pgbench"
            ? pgBy.get(c)
            : sc.storeBaseline === "redis"
            ? redisBy.get(c)
            : undefined;
          rows.push({
            profile: profile.name,
            name: sc.name,
            kind: "scenario",
            connections: c,
            result,
            vsBare: result.rps / bareBy.get(c)!.rps,
            vsStore: store ? result.rps / store.rps : undefined,
            storeBaseline: store ? sc.storeBaseline! : undefined,
            rssMb: mem.rssMb,
            loadMb,
          });
          log(
            `${profile.name}: ${sc.name} @${c}: ${Math.round(result.rps)} rps, p99 ` +
              `${result.p99Ms.toFixed(2)} ms, errors ${result.errors}`,
          );
        }
      } catch (err) {
        const reason = err instanceof Error ? err.message.split("\n")[0] : String(err);
        pending.push({
          profile: profile.name,
          name: sc.name,
          route: sc.route,
          reason: `failed: ${reason}`,
        });
        log(`${profile.name}: ${sc.name} failed: ${reason}`);
      }
    }
    if (opts.peer === "pocketbase" && profile.name === "embedded") {
      notes.push(...await runPeer(api.baseUrl, ctx, opts, workDir, peer));
    }
    peakMb = Math.max(peakMb, (await api.memory()).peakMb);
  } finally {
    await api.stop();
  }
  if (profile.name === "embedded") {
    // What PGlite alone holds, to read the embedded memory figures against.
    const probe = await run("deno", [
      "run",
      "--allow-all",
      "bench/rss_probe.ts",
      `${profile.dataDir}/pg`,
    ], {
      cwd: REPO_ROOT,
    });
    const floor = JSON.parse(probe.stdout.trim().split("\n").at(-1)!) as { rssMb: number };
    notes.push(
      `embedded: a Deno process that only opens PGlite on the bench folder and reads 50 leads ` +
        `holds ${floor.rssMb.toFixed(0)} MB resident (the API idles at ${idleMb.toFixed(0)} MB).`,
    );
    pglitefloorMb = floor.rssMb;
  }
  // Insight text to graph-visible relationship at 20 writes/s (issue 11): its own process over
  // the profile's stores with the insights jobs running (bench/insight_lag.ts).
  let insightLag: ProfileInfo["insightLag"];
  const lag = !opts.insightLag ? null : await run("deno", [
    "run",
    "--allow-all",
    "bench/insight_lag.ts",
    "--rate",
    "20",
    "--seconds",
    opts.quick ? "5" : "15",
  ], { cwd: REPO_ROOT, env: profile.apiEnv, allowFail: true });
  // The stores' log lines share stdout and may come after the result: take the result's line.
  const lagLine =
    lag?.stdout.trim().split("\n").findLast((l) =>
      l.includes('"scenario":"insight_text_to_graph_relationship"')
    ) ?? "";
  if (lag === null) {
    // Left out by --scenarios.
  } else if (lagLine.startsWith("{")) {
    const l = JSON.parse(lagLine) as {
      rate_per_s: number;
      writes: number;
      p50_ms: number;
      p99_ms: number;
    };
    insightLag = { ratePerS: l.rate_per_s, writes: l.writes, p50Ms: l.p50_ms, p99Ms: l.p99_ms };
    log(`${profile.name}: insight lag p50 ${l.p50_ms} ms, p99 ${l.p99_ms} ms at ${l.rate_per_s}/s`);
  } else {
    notes.push(`${profile.name}: the insight lag run failed: ${lag.stderr.slice(-300)}`);
  }
  if (profile.name === "server" && profile.apiEnv.NEO4J_URL) {
    const removed = await removeBenchGraph(profile.apiEnv);
    log(`${profile.name}: removed ${removed} graph nodes of this run`);
  }
  const errors = await errorLines(logFile);
  if (errors.count > 0) {
    notes.push(
      `${profile.name}: the API logged ${errors.count} error lines; first: ` +
        "`" + errors.first.slice(0, 300) + "`",
    );
  }
  return {
    rows,
    pending,
    seed: seedInfo,
    notes,
    peer,
    info: {
      name: profile.name,
      describe: profile.describe,
      seedSeconds: seedInfo.seconds,
      startMs,
      idleMb,
      floorMb: pglitefloorMb,
      peakMb,
      underLoadMb,
      insightLag,
    },
  };
}

/**
 * PocketBase side by side with the embedded API (issue 15, item 6): each scenario at each
 * connection count runs on polystore, then on PocketBase, then on polystore again (the mean of
 * the two polystore runs is the figure), so drift on the shared machine hits both sides alike.
 * Returns the notes for the report: a table of polystore / PocketBase, or why it was skipped.
 */
async function runPeer(
  baseUrl: string,
  ctx: { seed: SeedInfo; tokens: TokenPool },
  opts: Options,
  workDir: string,
  ratios: PeerRatio[],
): Promise<string[]> {
  log("peer: building PocketBase");
  const built = await buildPocketbase();
  if ("skipped" in built) return [`PocketBase peer skipped: ${built.skipped}`];
  log("peer: starting PocketBase and loading companies");
  const peer = await startPocketbase(
    built.bin,
    workDir,
    freePort(),
    opts.quick ? QUICK_SEED.companies : FULL_SEED.companies,
  );
  const lines: string[] = [];
  try {
    const tokens = await ctx.tokens.of("sales");
    const conns = opts.connections.filter((c) => c > 1);
    for (const sc of PEER_SCENARIOS) {
      for (const c of conns.length > 0 ? conns : [16]) {
        const run = (url: string, plan: Plan) =>
          runWrk(url, plan, { connections: c, durationS: opts.durationS, workDir });
        const ours = sc.polystore(tokens, ctx.seed.companyIds);
        const a = await run(baseUrl, ours);
        await settle(baseUrl);
        const pb = await run(peer.baseUrl, sc.pocketbase(peer));
        const b = await run(baseUrl, ours);
        await settle(baseUrl);
        const rps = (a.rps + b.rps) / 2;
        const ratio = rps / pb.rps;
        ratios.push({ scenario: sc.name, connections: c, ratio, read: sc.name !== "create" });
        log(
          `peer: ${sc.name} @${c}: polystore ${Math.round(rps)} rps, PocketBase ` +
            `${Math.round(pb.rps)} rps (x${ratio.toFixed(2)}), errors ${
              a.errors + b.errors
            }/${pb.errors}`,
        );
        lines.push(
          `| ${sc.name} | ${c} | ${Math.round(rps).toLocaleString("en")} | ` +
            `${(a.p50Ms + b.p50Ms) / 2 > 0 ? ((a.p50Ms + b.p50Ms) / 2).toFixed(2) : "-"} | ` +
            `${Math.round(pb.rps).toLocaleString("en")} | ${pb.p50Ms.toFixed(2)} | ` +
            `${a.errors + b.errors}/${pb.errors} | **${ratio.toFixed(2)}** |`,
        );
      }
    }
  } finally {
    await peer.stop();
  }
  return [
    `PocketBase ${POCKETBASE_VERSION} side by side with the embedded profile (same machine, ` +
    `same wrk script; polystore runs before and after each PocketBase run, mean shown; ` +
    `PocketBase lists with skipTotal=1, as polystore pages without a count):\n\n` +
    "  | scenario | conns | polystore rps | p50 ms | PocketBase rps | p50 ms | errors (ours/PB) | polystore / PocketBase |\n" +
    "  | --- | --- | --- | --- | --- | --- | --- | --- |\n" +
    lines.map((l) => `  ${l}`).join("\n"),
  ];
}

/**
 * Runs bench/layers.ts in its own process inside the measured API's folder, so the layer costs
 * belong to the same code as the load figures.
 */
async function measureLayers(source: ApiSource): Promise<LayerCost[]> {
  const target = `${source.dir}/bench/layers.ts`;
  if (source.dir !== REPO_ROOT) {
    await Deno.mkdir(`${source.dir}/bench`, { recursive: true });
    await Deno.copyFile(`${REPO_ROOT}/bench/layers.ts`, target);
  }
  const r = await run("deno", ["run", "--allow-all", "bench/layers.ts"], { cwd: source.dir });
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as LayerCost[];
}

/** bench/store_costs.ts in its own process against the server profile's bench stores. */
async function measureStoreCosts(
  profile: Profile,
  seedInfo: SeedInfo,
  workDir: string,
): Promise<StoreCost[]> {
  const ids = `${workDir}/lead_ids.txt`;
  await Deno.writeTextFile(ids, seedInfo.leadIds.join("\n"));
  const r = await run("deno", [
    "run",
    "--allow-all",
    "bench/store_costs.ts",
    profile.apiEnv.DATABASE_URL,
    profile.apiEnv.REDIS_URL,
    ids,
  ], { cwd: REPO_ROOT });
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as StoreCost[];
}

async function machine(): Promise<string[]> {
  const cpu = (await Deno.readTextFile("/proc/cpuinfo")).match(/model name\s*:\s*(.+)/)?.[1];
  const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  const wrk = (await run(WRK, ["-v"], { allowFail: true })).stdout.split("\n")[0];
  return [
    `${navigator.hardwareConcurrency} cores (${cpu ?? "unknown CPU"})`,
    `load average at start ${load}`,
    `Deno ${Deno.version.deno}`,
    wrk.trim(),
  ];
}

async function main() {
  const opts = await options();
  const wallStart = performance.now();
  await ensureTool(WRK, "wrk");
  const workDir = await Deno.makeTempDir({ prefix: "polystore_bench_work_" });
  const machineInfo = await machine();
  const source = await apiSource(opts.at, opts.apiDir);
  log(`measuring the API at ${source.label} (${source.dir})`);

  const hasher = await loadHasher(source.dir);
  const hashMs = await hashCostMs(hasher);
  const passwordHash = await hasher.hash(BENCH_PASSWORD);
  log(`argon2id hash: ${hashMs.toFixed(1)} ms (${hasher.source})`);

  let layers: LayerCost[] = [];
  if (opts.diagnostics) {
    log("in-process cost of each middleware layer");
    try {
      layers = await measureLayers(source);
    } catch (err) {
      log(`layer costs not measured: ${err instanceof Error ? err.message.split("\n")[0] : err}`);
    }
  }

  const bare = await startServer({
    denoArgs: ["run", "--allow-net", "--allow-env", "bench/bare_server.ts"],
    cwd: REPO_ROOT,
    port: await freePort(),
    env: {},
    logFile: `${workDir}/bare.log`,
    readyPath: "/",
  });

  const rows: Row[] = [];
  const pending: Pending[] = [];
  const infos: ProfileInfo[] = [];
  const notes: string[] = [];
  const peer: PeerRatio[] = [];
  let drivers: DriverFigure[] = [];
  let storeCosts: StoreCost[] = [];
  try {
    for (const name of opts.profiles) {
      const profile = name === "embedded"
        ? await embeddedProfile()
        : await serverProfile((await readServerEnv())!);
      try {
        const pass = await runProfile(source, profile, opts, bare, passwordHash, workDir);
        rows.push(...pass.rows);
        pending.push(...pass.pending);
        peer.push(...pass.peer);
        infos.push(pass.info);
        notes.push(...pass.notes);
        if (name === "server" && opts.diagnostics) {
          log("server: npm:pg vs npm:postgres on read by id");
          drivers = await compareDrivers(
            profile.apiEnv.DATABASE_URL,
            pass.seed.leadIds,
            opts.connections,
            opts.durationS,
          );
          log("server: CPU per store call through the adapters");
          storeCosts = await measureStoreCosts(profile, pass.seed, workDir);
        }
      } finally {
        await profile.cleanup().catch(() => {});
      }
    }
  } finally {
    await bare.stop();
    await source.cleanup().catch(() => {});
  }

  const date = new Date().toISOString().slice(0, 10);
  const report = {
    date,
    quick: opts.quick,
    durationS: opts.durationS,
    connections: opts.connections,
    seedSize: opts.seedSize,
    machine: machineInfo,
    api: Object.keys(opts.apiEnv).length === 0
      ? source.label
      : `${source.label} with ${
        Object.entries(opts.apiEnv).map(([k, v]) => `${k}=${v}`).join(" ")
      }`,
    hash: {
      ms: hashMs,
      params:
        `m=${hasher.params.memoryKiB} KiB, t=${hasher.params.iterations}, p=${hasher.params.parallelism}`,
      source: hasher.source,
    },
    profiles: infos,
    rows,
    pending,
    drivers,
    storeCosts,
    targets: checkTargets(rows, infos, pending, { layers, storeCosts, peer }),
    layers,
    notes,
    wallSeconds: (performance.now() - wallStart) / 1000,
  };

  console.log(textTable(rows));
  console.log("");
  for (const t of report.targets) {
    console.log(`${t.verdict.padEnd(12)} ${t.profile.padEnd(9)} ${t.target}: ${t.measured}`);
  }
  for (const p of pending) {
    console.log(`pending      ${p.profile.padEnd(9)} ${p.name}: ${p.reason}`);
  }
  if (opts.write) {
    const file = new URL(`results/${date}${opts.quick ? "-quick" : ""}.md`, import.meta.url);
    await Deno.writeTextFile(file, markdown(report));
    log(`wrote ${file.pathname}`);
  }
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
  log(`done in ${(report.wallSeconds / 60).toFixed(1)} min`);
}

if (import.meta.main) await main();

/** The graph nodes the server profile's API projected, removed (bench/graph_cleanup.ts). */
async function removeBenchGraph(env: Record<string, string>): Promise<number> {
  const db = await openOneConnection(env.DATABASE_URL, 60_000);
  const graph = await openNeo4jGraph({
    url: env.NEO4J_URL,
    user: env.NEO4J_USER ?? "neo4j",
    password: env.NEO4J_PASSWORD ?? "",
    timeoutMs: 30_000,
  });
  try {
    return await removeProjectedNodes(db, graph);
  } finally {
    await graph.close();
    await db.close();
  }
}
