// Starts an HTTP server as a child process (the API's main.ts or the bare baseline), waits until
// a URL answers 200, reads its resident memory from /proc, and stops it with SIGTERM.
import { sleep } from "./exec.ts";

/** A running server process. */
export interface ServerProcess {
  pid: number;
  baseUrl: string;
  /** Milliseconds from spawn until the ready URL first answered 200. */
  startMs: number;
  /** Resident memory now and at its peak, in MB (VmRSS and VmHWM of /proc/<pid>/status). */
  memory(): Promise<{ rssMb: number; peakMb: number }>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  /** Arguments to `deno`, e.g. ["run", "--allow-all", "main.ts"]. */
  denoArgs: string[];
  cwd: string;
  port: number;
  /**
   * Exactly the environment the child sees, plus PATH, HOME, DENO_DIR and DENO_V8_FLAGS (so a V8
   * setting README offers can be measured), never the bench's own.
   */
  env: Record<string, string>;
  /** Where the child's stdout and stderr go (its access log included). */
  logFile: string;
  readyPath?: string;
  timeoutMs?: number;
}

function passThroughEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR", "XDG_CACHE_HOME", "DENO_V8_FLAGS"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function kb(status: string, field: string): number {
  const m = status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, "m"));
  return m ? Number(m[1]) : NaN;
}

/** Spawns the server and resolves once `readyPath` answers 200 (or throws with its log's tail). */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const readyUrl = `http://127.0.0.1:${options.port}${options.readyPath ?? "/health"}`;
  const log = await Deno.open(options.logFile, { create: true, append: true });
  log.close();
  const started = performance.now();
  // `exec` keeps the pid: the pid we hold is the deno process itself, whose /proc we read.
  const quoted = ["deno", ...options.denoArgs].map((a) => `'${a.replaceAll("'", "'\\''")}'`);
  const child = new Deno.Command("sh", {
    args: ["-c", `exec ${quoted.join(" ")} >>'${options.logFile}' 2>&1`],
    cwd: options.cwd,
    env: { ...passThroughEnv(), ...options.env, PORT: String(options.port) },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });

  const deadline = started + (options.timeoutMs ?? 120_000);
  let startMs = NaN;
  while (performance.now() < deadline) {
    if (exited) break;
    try {
      const res = await fetch(readyUrl);
      await res.body?.cancel();
      if (res.status === 200) {
        startMs = performance.now() - started;
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  if (Number.isNaN(startMs)) {
    if (!exited) child.kill("SIGKILL");
    await status;
    const text = await Deno.readTextFile(options.logFile).catch(() => "");
    throw new Error(`server did not answer ${readyUrl}; log tail:\n${text.slice(-3000)}`);
  }

  return {
    pid: child.pid,
    baseUrl: `http://127.0.0.1:${options.port}`,
    startMs,
    async memory() {
      const s = await Deno.readTextFile(`/proc/${child.pid}/status`);
      return { rssMb: kb(s, "VmRSS") / 1024, peakMb: kb(s, "VmHWM") / 1024 };
    },
    async stop(graceMs = 10_000) {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, graceMs);
      await status;
      clearTimeout(timer);
    },
  };
}
