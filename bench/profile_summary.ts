// Where the CPU went in a V8 .cpuprofile (from `deno task bench --cpu-prof=DIR`): self time by
// source file and by function, as a share of the profile and as microseconds per request when the
// request count is given. Usage: deno run -A bench/profile_summary.ts FILE [requests] [top] [from]
// where `from` skips the profile's first seconds (the API's start-up), or when negative keeps only
// the profile's last seconds, and `requests` should count only the requests in what is kept.

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A file's short name: the package for node_modules, the repo path for our own files. */
export function shortUrl(url: string): string {
  if (url === "") return "(native/V8)";
  const npm =
    url.match(/node_modules\/(?:\.deno\/)?([^/]+?)@[^/]*\/node_modules\/((?:@[^/]+\/)?[^/]+)/) ??
      url.match(/registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\/[^/]+\/(.*)$/);
  if (npm) return `npm:${npm[2] ?? npm[1]}`;
  const own = url.match(/\/(src|bench|main\.ts)(\/.*)?$/);
  if (own) return own[0].slice(1);
  if (url.startsWith("ext:") || url.startsWith("node:")) {
    return url.split("/").slice(0, 2).join("/");
  }
  return url;
}

export interface SelfTime {
  name: string;
  us: number;
}

/** Self time (µs) per key, over every sample. */
export function selfTimes(p: CpuProfile, key: (n: ProfileNode) => string): SelfTime[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    const k = key(node);
    out.set(k, (out.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  return [...out].map(([name, us]) => ({ name, us })).sort((a, b) => b.us - a.us);
}

/** The layer a frame belongs to, or null when it names none (then its caller decides). */
export function layerOf(frame: CallFrame): string | null {
  const u = frame.url;
  const f = frame.functionName;
  if (f === "(garbage collector)") return "GC";
  if (f === "(program)") return "V8 (program)";
  if (/argon2|hash-wasm|wasm:\/\/wasm\/3130f842/.test(u)) return "login (argon2id, bench set-up)";
  if (/src\/http\/access_log|src\/log\.ts/.test(u)) return "access log";
  if (/src\/http\/metrics|src\/ops\/metrics|prom-client/.test(u)) return "metrics";
  if (/src\/http\/rate_limit|src\/http\/client_ip|stores\/cache\/memory/.test(u)) {
    return "rate limit";
  }
  if (/src\/auth\/tokens|\/jose/.test(u)) return "JWT";
  if (/src\/auth\/|src\/http\/guard/.test(u)) return "guard + principal";
  if (/src\/http\/(request_id|security_headers|cors|csp)|secure-headers|middleware\/cors/.test(u)) {
    return "headers";
  }
  if (/src\/stores\/|pglite|wasm:|ioredis|\/pg@|pg-protocol|mongodb|neo4j|minio/.test(u)) {
    return "store calls";
  }
  if (/src\/caching\//.test(u)) return "read-through cache";
  if (/zod/.test(u)) return "validation (zod)";
  if (/src\/http\/openapi|hono\/zod-openapi/.test(u)) return "OpenAPI wrapper";
  if (/\/hono@/.test(u)) return "routing (hono)";
  if (/ext:deno_http|ext:deno_net|ext:deno_fetch|ext:deno_web\//.test(u)) {
    return "Deno HTTP (serve, Request, Response, headers)";
  }
  if (/src\/(crm|dashboards|reports|users|system|files|insights|ops)\//.test(u)) {
    return "route handlers";
  }
  return null;
}

/** Self time per layer: each sample goes to the innermost frame of its stack that names one. */
export function layerTimes(p: CpuProfile): SelfTime[] {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const memo = new Map<number, string>();
  const classify = (id: number): string => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    if (node.callFrame.functionName === "(idle)") return "idle";
    const own = layerOf(node.callFrame);
    const up = parent.get(id);
    const layer = own ?? (up === undefined ? "other (JS)" : classify(up));
    memo.set(id, layer);
    return layer;
  };
  const out = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const k = classify(p.samples[i]);
    out.set(k, (out.get(k) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  return [...out].filter(([k]) => k !== "idle").map(([name, us]) => ({ name, us }))
    .sort((a, b) => b.us - a.us);
}

if (import.meta.main) {
  const [file, requestsArg, topArg] = Deno.args;
  const whole = JSON.parse(await Deno.readTextFile(file)) as CpuProfile;
  // A negative `from` counts back from the profile's end (the runs come last, then the stop).
  const from = Number(Deno.args[3] ?? 0) * 1e6;
  const fromUs = from >= 0 ? from : whole.timeDeltas.reduce((a, b) => a + b, 0) + from;
  let at = 0;
  const keep = whole.timeDeltas.map((d) => (at += d) >= fromUs);
  const p: CpuProfile = {
    nodes: whole.nodes,
    samples: whole.samples.filter((_, i) => keep[i]),
    timeDeltas: whole.timeDeltas.filter((_, i) => keep[i]),
  };
  const requests = Number(requestsArg ?? 0);
  const top = Number(topArg ?? 25);
  const idle = (n: ProfileNode) => n.callFrame.functionName === "(idle)";
  const total = p.timeDeltas.reduce((a, b) => a + b, 0);
  const busy = selfTimes(p, (n) => idle(n) ? "idle" : "busy").find((s) => s.name === "busy")?.us ??
    0;
  const fmt = (s: SelfTime) =>
    `${(s.us / 1000).toFixed(0).padStart(7)} ms ${(100 * s.us / busy).toFixed(1).padStart(5)}%` +
    (requests > 0 ? ` ${(s.us / requests).toFixed(1).padStart(7)} us/req` : "") + `  ${s.name}`;
  console.log(`profile ${(total / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s`);
  console.log("\nby layer (innermost frame of each sample that names one):");
  for (const s of layerTimes(p)) console.log(fmt(s));
  console.log("\nself time by file:");
  for (
    const s of selfTimes(p, (n) => idle(n) ? "" : shortUrl(n.callFrame.url))
      .filter((s) => s.name !== "").slice(0, top)
  ) console.log(fmt(s));
  console.log("\nself time by function:");
  for (
    const s of selfTimes(
      p,
      (n) =>
        idle(n)
          ? ""
          : `${n.callFrame.functionName || "(anon)"} ${shortUrl(n.callFrame.url)}:${
            n.callFrame.lineNumber + 1
          }`,
    ).filter((s) => s.name !== "").slice(0, top)
  ) console.log(fmt(s));
}
