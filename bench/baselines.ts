// Same-run baselines: the raw stores at the scenario's concurrency. pgbench select-only against
// a scratch database of the same PostgreSQL, redis-benchmark GET against a scratch database of
// the same Redis. Their figures share LoadResult's shape so ratios are plain divisions.
import { ensureTool, run } from "./exec.ts";
import type { LoadResult } from "./wrk.ts";

const PGBENCH = "/usr/bin/pgbench";
const REDIS_BENCHMARK = "/usr/bin/redis-benchmark";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, i)];
}

function emptyErrors() {
  return { statuses: {}, errors: 0, throttled: 0, lostRows: 0 };
}

/**
 * Initialises pgbench's tables in `url`'s database at `scale` unless they are already there at
 * that scale (initialising scale 10 takes a while; the run only reads).
 */
export async function preparePgbench(url: string, scale: number): Promise<void> {
  await ensureTool(PGBENCH, "postgresql-contrib");
  await ensureTool("/usr/bin/psql", "postgresql-client");
  const probe = await run(
    "psql",
    [url, "-Atqc", "select count(*) from pgbench_branches"],
    { allowFail: true },
  );
  if (probe.code === 0 && Number(probe.stdout.trim()) === scale) return;
  await run(PGBENCH, ["-i", "-q", "-s", String(scale), url]);
}

/**
 * `pgbench -S -M prepared` (one prepared primary-key SELECT per transaction, the strongest
 * version of the baseline) with `clients` clients for `durationS` seconds. Percentiles come from
 * pgbench's per-transaction log.
 */
export async function pgbenchSelect(
  url: string,
  clients: number,
  durationS: number,
  workDir: string,
): Promise<LoadResult> {
  const dir = await Deno.makeTempDir({ dir: workDir, prefix: "pgbench_" });
  try {
    const r = await run(PGBENCH, [
      "-S",
      "-n",
      "-M",
      "prepared",
      "-c",
      String(clients),
      "-j",
      String(Math.min(2, clients)),
      "-T",
      String(durationS),
      // A sample of transactions is enough for percentiles and keeps pgbench's own disk writes
      // from lowering the baseline.
      "-l",
      "--sampling-rate=0.1",
      `--log-prefix=${dir}/tx`,
      url,
    ]);
    const tps = r.stdout.match(/tps = ([\d.]+) \(without initial connection time\)/);
    const processed = r.stdout.match(/number of transactions actually processed: (\d+)/);
    const failed = r.stdout.match(/number of failed transactions: (\d+)/);
    if (!tps || !processed) throw new Error(`unexpected pgbench output:\n${r.stdout}`);
    const latencies: number[] = [];
    for await (const entry of Deno.readDir(dir)) {
      const text = await Deno.readTextFile(`${dir}/${entry.name}`);
      for (const line of text.split("\n")) {
        const cols = line.split(" ");
        // client_id transaction_no time_us script_no epoch epoch_us
        if (cols.length >= 6) latencies.push(Number(cols[2]) / 1000);
      }
    }
    latencies.sort((a, b) => a - b);
    const mean = latencies.reduce((a, b) => a + b, 0) / Math.max(1, latencies.length);
    return {
      ...emptyErrors(),
      rps: Number(tps[1]),
      requests: Number(processed[1]),
      durationS,
      p50Ms: percentile(latencies, 50),
      p90Ms: percentile(latencies, 90),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? NaN,
      meanMs: mean,
      errors: failed ? Number(failed[1]) : 0,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** host, port, password and database of a redis:// URL, as redis-benchmark flags. */
function redisFlags(url: string, db: number): string[] {
  const u = new URL(url);
  const flags = ["-h", u.hostname, "-p", u.port || "6379", "--dbnum", String(db)];
  if (u.password) flags.push("-a", decodeURIComponent(u.password));
  if (u.username && u.username !== "default") flags.push("--user", decodeURIComponent(u.username));
  return flags;
}

interface RedisCsv {
  rps: number;
  avg: number;
  p50: number;
  p99: number;
  max: number;
}

async function redisBenchmark(args: string[]): Promise<RedisCsv> {
  const r = await run(REDIS_BENCHMARK, [...args, "--csv"]);
  // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
  const row = r.stdout.split("\n").find((l) => l.startsWith('"GET"') || l.startsWith('"SET"'));
  if (!row) throw new Error(`unexpected redis-benchmark output:\n${r.stdout}`);
  const v = row.split(",").map((c) => Number(c.replaceAll('"', "")));
  return { rps: v[1], avg: v[2], p50: v[4], p99: v[6], max: v[7] };
}

/** Fills database `db` with 100k 100-byte values so that GETs hit real keys. */
export async function prepareRedis(url: string, db: number): Promise<void> {
  await ensureTool(REDIS_BENCHMARK, "redis-tools");
  await redisBenchmark([
    ...redisFlags(url, db),
    "-t",
    "set",
    "-n",
    "100000",
    "-r",
    "100000",
    "-d",
    "100",
    "-c",
    "16",
  ]);
}

/**
 * `redis-benchmark -t get` with `clients` connections, no pipelining, random keys of the
 * prepared set. It counts requests, not seconds, so a short calibration sizes the run to last
 * about `durationS`.
 */
export async function redisGet(
  url: string,
  db: number,
  clients: number,
  durationS: number,
): Promise<LoadResult> {
  const base = [
    ...redisFlags(url, db),
    "-t",
    "get",
    "-r",
    "100000",
    "-c",
    String(clients),
    "-P",
    "1",
  ];
  const probe = await redisBenchmark([...base, "-n", String(Math.max(2000, clients * 200))]);
  const n = Math.max(10_000, Math.round(probe.rps * durationS));
  const r = await redisBenchmark([...base, "-n", String(n)]);
  return {
    ...emptyErrors(),
    rps: r.rps,
    requests: n,
    durationS: n / r.rps,
    p50Ms: r.p50,
    p90Ms: NaN,
    p99Ms: r.p99,
    maxMs: r.max,
    meanMs: r.avg,
  };
}
