// The HTTP load generator: writes a request plan, runs wrk with bench/wrk/driver.lua in its own
// process (never in the server's), and parses the one JSON line the script prints at the end.
import { ensureTool, run } from "./exec.ts";

export const WRK = "/usr/bin/wrk";
const DRIVER = new URL("./wrk/driver.lua", import.meta.url).pathname;

/**
 * One request of a plan. `{seq}` in path or body becomes a number unique within one wrk run, and
 * `{run}` six characters unique to the run, so together they never repeat across runs.
 */
export interface PlannedRequest {
  method: string;
  path: string;
  body?: string;
}

/** A row updated with If-Match: the script keeps each row's latest ETag. */
export interface EtagRow extends PlannedRequest {
  etag: string;
}

/** What wrk sends: requests cycled in order (or If-Match rows), tokens cycled per request. */
export interface Plan {
  tokens?: string[];
  requests?: PlannedRequest[];
  etagRows?: EtagRow[];
}

/** Figures from one wrk run. Latencies in milliseconds. */
export interface LoadResult {
  rps: number;
  requests: number;
  durationS: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
  /** Non-2xx answers other than 429, plus socket errors (connect, read, write, timeout). */
  errors: number;
  /** 429 answers (rate limiting; deliberate in the login scenario only). */
  throttled: number;
  /** If-Match rows dropped after an answer that did not name them (a failed update). */
  lostRows: number;
}

interface WrkJson {
  requests: number;
  duration_us: number;
  p50_us: number;
  p90_us: number;
  p99_us: number;
  max_us: number;
  mean_us: number;
  socket_errors: { connect: number; read: number; write: number; timeout: number };
  lost_rows: number;
  statuses: Record<string, number>;
}

function planText(plan: Plan): string {
  const oneLine = (s: string) => {
    if (/[\r\n]/.test(s)) throw new Error("plan bodies must be one line (JSON.stringify them)");
    return s;
  };
  const lines: string[] = [];
  for (const t of plan.tokens ?? []) lines.push(`token ${t}`);
  for (const r of plan.requests ?? []) {
    lines.push(`req ${r.method} ${r.path}${r.body ? ` ${oneLine(r.body)}` : ""}`);
  }
  for (const r of plan.etagRows ?? []) {
    if (/\s/.test(r.etag)) throw new Error(`ETag with whitespace: ${r.etag}`);
    lines.push(`etag ${r.method} ${r.path} ${r.etag}${r.body ? ` ${oneLine(r.body)}` : ""}`);
  }
  if ((plan.requests ?? []).length === 0 && (plan.etagRows ?? []).length === 0) {
    throw new Error("a plan needs at least one request");
  }
  const run = (Date.now() % 36 ** 6).toString(36).padStart(6, "0");
  return lines.join("\n").replaceAll("{run}", run) + "\n";
}

/** Parses the driver's BENCH_JSON line into a LoadResult. */
export function parseWrkOutput(stdout: string): LoadResult {
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) throw new Error(`wrk printed no BENCH_JSON line:\n${stdout}`);
  const j = JSON.parse(line.slice("BENCH_JSON ".length)) as WrkJson;
  const durationS = j.duration_us / 1e6;
  let non2xx = 0;
  let throttled = 0;
  for (const [status, n] of Object.entries(j.statuses)) {
    const code = Number(status);
    if (code === 429) throttled += n;
    else if (code < 200 || code >= 300) non2xx += n;
  }
  const s = j.socket_errors;
  return {
    rps: durationS > 0 ? j.requests / durationS : 0,
    requests: j.requests,
    durationS,
    p50Ms: j.p50_us / 1000,
    p90Ms: j.p90_us / 1000,
    p99Ms: j.p99_us / 1000,
    maxMs: j.max_us / 1000,
    meanMs: j.mean_us / 1000,
    statuses: j.statuses,
    errors: non2xx + s.connect + s.read + s.write + s.timeout,
    throttled,
    lostRows: j.lost_rows,
  };
}

/**
 * Drives `baseUrl` with `plan` for `durationS` seconds over `connections` connections.
 * Two wrk threads (the machine has two cores), one when there is a single connection.
 */
export async function runWrk(
  baseUrl: string,
  plan: Plan,
  options: { connections: number; durationS: number; workDir: string },
): Promise<LoadResult> {
  await ensureTool(WRK, "wrk");
  const planFile = await Deno.makeTempFile({ dir: options.workDir, suffix: ".plan" });
  await Deno.writeTextFile(planFile, planText(plan));
  try {
    const threads = Math.min(2, options.connections);
    const r = await run(WRK, [
      `-t${threads}`,
      `-c${options.connections}`,
      `-d${options.durationS}s`,
      "--timeout",
      "10s",
      "-s",
      DRIVER,
      baseUrl,
      "--",
      planFile,
      String(threads),
    ]);
    return parseWrkOutput(r.stdout);
  } finally {
    await Deno.remove(planFile).catch(() => {});
  }
}
