// Private server processes for tests that stop a server under a running app: one of the five on
// its own loopback port and temp folder via `scripts/services.sh run-private`, never the shared set.
import { serverSetting } from "./profile.ts";

/** The server names of scripts/services.sh. */
export type PrivateServerName = "postgres" | "redis" | "ferretdb" | "neo4j" | "minio";

/** One private server: started and stopped by the test that owns it. */
export interface PrivateServer {
  readonly name: PrivateServerName;
  readonly port: number;
  /** Settings for loadConfig that point the server's role at this process. */
  readonly env: Record<string, string>;
  /** Starts the server (same port, same data folder) and resolves with ms until it answers. */
  start(): Promise<number>;
  /** Stops it with its stop signal and resolves with ms until the process has exited. */
  stop(): Promise<number>;
  /** Stops it if running and deletes its folder; safe to call in any state. */
  close(): Promise<void>;
}

const SCRIPT = new URL("../../scripts/services.sh", import.meta.url).pathname;
const START_LIMIT_MS = 120_000;
const STOP_GRACE_MS = 20_000;

// SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for clients). Neo4j is killed: its graceful
// shutdown takes 10+ s here and the harness starts an empty store every time anyway.
const STOP_SIGNAL: Record<PrivateServerName, Deno.Signal> = {
  postgres: "SIGINT",
  redis: "SIGTERM",
  ferretdb: "SIGTERM",
  minio: "SIGTERM",
  neo4j: "SIGKILL",
};

function required(name: string): string {
  const v = serverSetting(name);
  if (v === undefined) throw new Error(`${name} is not set: run scripts/services.sh up first`);
  return v;
}

// Same credentials as the shared servers (run-private uses services.sh's), only the port differs.
function envFor(name: PrivateServerName, port: number): Record<string, string> {
  switch (name) {
    case "postgres": {
      const url = new URL(required("DATABASE_URL"));
      url.port = String(port);
      return { DATABASE_URL: url.toString() };
    }
    case "redis":
      return { REDIS_URL: `redis://127.0.0.1:${port}` };
    case "ferretdb":
      return {
        MONGODB_URL: `mongodb://127.0.0.1:${port}/`,
        MONGODB_DB: serverSetting("MONGODB_DB") ?? "polystore",
      };
    case "neo4j":
      return {
        NEO4J_URL: `bolt://127.0.0.1:${port}`,
        NEO4J_USER: required("NEO4J_USER"),
        NEO4J_PASSWORD: required("NEO4J_PASSWORD"),
      };
    case "minio":
      return {
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        S3_ACCESS_KEY: required("S3_ACCESS_KEY"),
        S3_SECRET_KEY: required("S3_SECRET_KEY"),
        S3_REGION: serverSetting("S3_REGION") ?? "us-east-1",
      };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function tcpOpen(port: number): Promise<boolean> {
  try {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

// "Answers" as services.sh means it, without a driver: an open port is not enough for PostgreSQL
// (still recovering), MinIO (not ready) or Neo4j (password not set yet).
async function answers(name: PrivateServerName, port: number, dir: string): Promise<boolean> {
  switch (name) {
    case "postgres": {
      const out = await new Deno.Command("pg_isready", {
        args: ["-q", "-h", "127.0.0.1", "-p", String(port)],
        stdout: "null",
        stderr: "null",
      }).output();
      return out.success;
    }
    case "minio":
      try {
        const res = await fetch(`http://127.0.0.1:${port}/minio/health/ready`, {
          signal: AbortSignal.timeout(2000),
        });
        await res.body?.cancel();
        return res.ok;
      } catch {
        return false;
      }
    case "neo4j":
      return await exists(`${dir}/ready`) && await tcpOpen(port);
    case "redis":
    case "ferretdb":
      return await tcpOpen(port);
  }
}

async function logTail(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Prepares a private `name` server on 127.0.0.1:`port` (and `port2`: MinIO console, Neo4j HTTP)
 * with its data in a new temp folder. Nothing runs until start().
 */
export async function createPrivateServer(
  name: PrivateServerName,
  port: number,
  port2: number = port + 1,
): Promise<PrivateServer> {
  const env = envFor(name, port);
  const base = await Deno.makeTempDir({ prefix: `polystore-private-${name}-` });
  // The postgres OS user must traverse to its data folder when we run as root.
  await Deno.chmod(base, 0o755);
  const dir = `${base}/data`;
  await Deno.mkdir(dir);
  const log = `${base}/server.log`;
  let child: Deno.ChildProcess | undefined;
  let exited: Promise<Deno.CommandStatus> | undefined;

  async function stopChild(signal: Deno.Signal): Promise<number> {
    if (!child || !exited) return 0;
    const started = performance.now();
    try {
      child.kill(signal);
    } catch {
      // Already gone: the status below settles at once.
    }
    const done = await Promise.race([
      exited.then(() => true),
      sleep(STOP_GRACE_MS).then(() => false),
    ]);
    if (!done) {
      try {
        child.kill("SIGKILL");
      } catch {
        // Exited between the race and the kill.
      }
      await exited;
    }
    child = undefined;
    exited = undefined;
    return performance.now() - started;
  }

  return {
    name,
    port,
    env,
    async start() {
      if (child) throw new Error(`private ${name} is already running`);
      const started = performance.now();
      // exec all the way down: the child's pid is the server's, so signals reach it directly.
      child = new Deno.Command("bash", {
        args: [
          "-c",
          'log=$1; shift; exec bash "$0" run-private "$@" >>"$log" 2>&1',
          SCRIPT,
          log,
          name,
          String(port),
          dir,
          String(port2),
        ],
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      const status = child.status;
      let gone = false;
      exited = status.finally(() => {
        gone = true;
      });
      while (performance.now() - started < START_LIMIT_MS) {
        if (gone) {
          child = undefined;
          throw new Error(`private ${name} exited while starting:\n${await logTail(log)}`);
        }
        if (await answers(name, port, dir)) return performance.now() - started;
        await sleep(100);
      }
      await stopChild("SIGKILL");
      throw new Error(
        `private ${name} gave no answer within ${START_LIMIT_MS} ms:\n${await logTail(log)}`,
      );
    },
    stop() {
      if (!child) return Promise.reject(new Error(`private ${name} is not running`));
      return stopChild(STOP_SIGNAL[name]);
    },
    async close() {
      await stopChild(STOP_SIGNAL[name]);
      await Deno.remove(base, { recursive: true }).catch(() => {});
    },
  };
}
