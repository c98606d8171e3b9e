/**
 * `deno task ops <command>`: seed 001's manage commands over the same ops services the admin API
 * and the TUI use. Input and output are injected so tests can drive it.
 *
 * @module
 */
import {
  backupStatus,
  listBackups,
  restoreBackup,
  startBackup,
  verifyBackup,
} from "./backup/service.ts";
import { cacheStats, scanCacheKeys } from "./cache_inspect.ts";
import { storeHealth } from "./health.ts";
import { archivePartitions, ensurePartitions, listPartitions } from "./partitions.ts";
import type { OpsContext } from "./types.ts";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** One line typed by the operator (confirmations); null when there is no input. */
  readLine(prompt: string): Promise<string | null>;
  /** Lines to filter for `logs` (a file or standard input). */
  lines?(path: string | undefined): AsyncIterable<string>;
}

export const USAGE = `usage: deno task ops <command>
  status                         stores, last backups, partitions
  health                         every store: status, latency, version, pool
  backup                         run a backup now and wait for it
  verify ID                      recompute a backup's checksums and counts
  restore ID [--force]           restore into this deployment (force asks for the id typed back)
  partitions [ensure [N]|archive [--dry-run]]
  cache [PATTERN] | cache stats  keys (SCAN) or stats
  logs [--level L] [--grep TEXT] [FILE]   JSON log lines (FILE or stdin) filtered
  shell [STORE]                  how to open each store's own shell`;

const flag = (args: string[], name: string) => args.includes(name);
const option = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const positional = (args: string[]) => {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i].startsWith("--")) {
      if (["--level", "--grep", "--confirm"].includes(args[i])) i++;
      continue;
    }
    out.push(args[i]);
  }
  return out;
};

const LEVELS = ["debug", "info", "warn", "error"];

/** Shell hints per store: the command an operator runs, never the password itself. */
export function shellHints(ctx: OpsContext): Record<string, string> {
  const c = ctx.config;
  return {
    relational: c.relational.url && !c.relational.url.startsWith("memory://")
      ? 'psql "$DATABASE_URL"'
      : `embedded PGlite in ${c.dataDir}/pg: stop the API, then open it with @electric-sql/pglite`,
    documents: c.documents.url
      ? `mongosh "$MONGODB_URL/${c.documents.db}"`
      : "embedded: tables doc_documents / doc_collections in the relational store",
    graph: c.graph.url
      ? 'cypher-shell -a "$NEO4J_URL" -u "$NEO4J_USER" -p "$NEO4J_PASSWORD"'
      : "embedded: tables graph_nodes / graph_edges in the relational store",
    cache: c.cache.url
      ? 'redis-cli -u "$REDIS_URL"'
      : "embedded in-process cache: use deno task ops cache",
    objects: c.objects.endpoint
      ? 'mc alias set polystore "$S3_ENDPOINT" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" && mc ls polystore'
      : `embedded folder: ls ${c.dataDir}/objects`,
  };
}

/** Runs one command; returns the exit code. */
export async function runOpsCli(ctx: OpsContext, args: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  const pos = positional(rest);
  const print = (v: unknown) => io.out(JSON.stringify(v, null, 2));
  switch (command) {
    case "health": {
      const h = await storeHealth(ctx);
      for (const s of h) {
        io.out(
          `${s.role.padEnd(11)} ${s.up ? "up  " : "DOWN"} ${s.adapter.padEnd(15)} ${
            String(s.latency_ms).padStart(8)
          } ms  ${s.version ?? ""}${
            s.pool
              ? `  pool ${
                s.pool.total - s.pool.idle
              }/${s.pool.total} busy, ${s.pool.waiting} waiting`
              : ""
          }${s.detail ? `  ${s.detail}` : ""}`,
        );
      }
      return h.every((s) => s.up) ? 0 : 1;
    }
    case "status": {
      const code = await runOpsCli(ctx, ["health"], io);
      for (const b of await listBackups(ctx, { limit: 3 }).catch(() => [])) {
        io.out(
          `backup ${b.id} ${b.state} ${b.started_at} ${b.size_bytes} bytes${
            b.error ? ` ${b.error}` : ""
          }`,
        );
      }
      for (const p of await listPartitions(ctx).catch(() => [])) {
        io.out(
          `partition ${p.name.padEnd(28)} ${String(p.rows).padStart(9)} rows ${p.size_bytes} bytes`,
        );
      }
      return code;
    }
    case "backup": {
      const id = await startBackup(ctx, { wait: true });
      const run = await backupStatus(ctx, id);
      io.out(`backup ${id} ${run.state} (${run.prefix}, ${run.size_bytes} bytes)`);
      if (run.error) io.err(run.error);
      return run.state === "succeeded" ? 0 : 1;
    }
    case "verify": {
      if (!pos[0]) return usage(io);
      const report = await verifyBackup(ctx, pos[0]);
      io.out(
        report.ok
          ? `backup ${pos[0]} verifies`
          : `backup ${pos[0]} FAILS: ${report.failed.join(", ")}`,
      );
      return report.ok ? 0 : 1;
    }
    case "restore": {
      const id = pos[0];
      if (!id) return usage(io);
      const force = flag(rest, "--force");
      let confirmId = option(rest, "--confirm");
      if (force && confirmId === undefined) {
        confirmId =
          (await io.readLine(`type the backup id (${id}) to restore over this deployment: `))
            ?.trim();
      }
      const report = await restoreBackup(ctx, id, { force, confirmId });
      print(report);
      return report.proof.ok ? 0 : 1;
    }
    case "partitions": {
      if (pos[0] === "ensure") {
        print(await ensurePartitions(ctx, pos[1] ? Number(pos[1]) : 6));
      } else if (pos[0] === "archive") {
        print(await archivePartitions(ctx, { dryRun: flag(rest, "--dry-run") }));
      } else {
        print(await listPartitions(ctx));
      }
      return 0;
    }
    case "cache": {
      if (pos[0] === "stats") print(await cacheStats(ctx));
      else print(await scanCacheKeys(ctx, { pattern: pos[0] ?? "*", count: 200 }));
      return 0;
    }
    case "logs": {
      if (!io.lines) return usage(io);
      const level = option(rest, "--level");
      const grep = option(rest, "--grep");
      const min = level ? LEVELS.indexOf(level) : 0;
      for await (const line of io.lines(pos[0])) {
        let entry: { level?: string; msg?: string };
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (LEVELS.indexOf(entry.level ?? "info") < min) continue;
        if (grep && !line.includes(grep)) continue;
        io.out(line);
      }
      return 0;
    }
    case "shell": {
      const hints = shellHints(ctx);
      for (const [store, hint] of Object.entries(hints)) {
        if (!pos[0] || pos[0] === store) io.out(`${store.padEnd(11)} ${hint}`);
      }
      return 0;
    }
    default:
      return usage(io);
  }
}

function usage(io: CliIo): number {
  io.err(USAGE);
  return 2;
}
