// Design section 6's figures checked against the run. Each gap names the measurement of the same
// run that explains it (the framework floor from /health, the auth cost from /auth/me, ...).
import type { LayerCost } from "./layers.ts";
import type { Pending, ProfileInfo, Row } from "./report.ts";
import type { ProfileName } from "./profiles.ts";
import type { StoreCost } from "./store_costs.ts";

/** Diagnostics of the same run that turn a ratio gap into a per-request CPU budget. */
export interface Diagnostics {
  layers: LayerCost[];
  storeCosts: StoreCost[];
}

export interface TargetCheck {
  target: string;
  profile: ProfileName | "both";
  measured: string;
  verdict: "met" | "gap" | "not measured";
  explanation: string;
}

const x = (n: number | undefined) => (n === undefined ? "-" : `x${n.toFixed(2)}`);

function rowsOf(rows: Row[], profile: ProfileName, name: string): Row[] {
  return rows.filter((r) => r.profile === profile && r.name === name && r.kind === "scenario");
}

/** "x0.31 @1, x0.45 @16" for one scenario's ratios. */
function ratios(rs: Row[], pick: (r: Row) => number | undefined): string {
  return rs.map((r) => `${x(pick(r))} @${r.connections}`).join(", ");
}

function floorNote(rows: Row[], profile: ProfileName): string {
  const health = rowsOf(rows, profile, "health");
  const me = rowsOf(rows, profile, "auth_me");
  const parts: string[] = [];
  if (health.length > 0) {
    parts.push(
      `/health (no store, no auth) itself reaches ${ratios(health, (r) => r.vsBare)} of bare`,
    );
  }
  if (me.length > 0) parts.push(`/auth/me (token check only) ${ratios(me, (r) => r.vsBare)}`);
  return parts.join("; ");
}

function memoryNote(rows: Row[], p: ProfileInfo): string {
  const parts = [`idle after start ${p.idleMb?.toFixed(0) ?? "-"} MB`];
  if (p.floorMb !== undefined) {
    parts.push(`PGlite alone on the same folder ${p.floorMb.toFixed(0)} MB`);
  }
  // The scenario whose run raised resident memory the most.
  const mine = rows.filter((r) => r.profile === p.name && r.kind === "scenario" && r.loadMb);
  const top = mine.reduce<Row | undefined>(
    (a, r) => (!a || r.loadMb! > a.loadMb! ? r : a),
    undefined,
  );
  if (top) {
    parts.push(`highest during ${top.name}@${top.connections} (${top.loadMb!.toFixed(0)} MB)`);
  }
  return parts.join("; ");
}

function pendingNote(pending: Pending[], profile: ProfileName, name: string): string | null {
  const p = pending.find((p) => p.profile === profile && p.name === name);
  return p ? `pending: ${p.reason}` : null;
}

/**
 * "the target allows N us of API time per request (the API runs on one JS thread); /health alone
 * takes X us in-process, a Redis GET Y us and a Postgres query Z us of CPU".
 */
function budgetNote(targetRps: number, diag: Diagnostics | undefined): string {
  const parts = [`the target allows ${(1e6 / targetRps).toFixed(0)} us of API time per request`];
  const app = diag?.layers.find((l) => l.name === "real createApp");
  if (app) parts.push(`/health alone takes ${app.us.toFixed(0)} us in-process`);
  const cost = (prefix: string) => diag?.storeCosts.find((c) => c.call.startsWith(prefix));
  const get = cost("cache.get");
  const q = cost("relational.query (a lead");
  if (get) parts.push(`one Redis GET ${get.cpuUs.toFixed(0)} us of CPU`);
  if (q) parts.push(`one Postgres query ${q.cpuUs.toFixed(0)} us`);
  return parts.join(", ");
}

/** Evaluates the targets on the profiles that ran. */
export function checkTargets(
  rows: Row[],
  profiles: ProfileInfo[],
  pending: Pending[],
  diag?: Diagnostics,
): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const p of profiles) {
    const cached = rowsOf(rows, p.name, "cached_read");
    if (cached.length === 0) {
      out.push({
        target: "cached read >= 40% of bare Deno.serve",
        profile: p.name,
        measured: "-",
        verdict: "not measured",
        explanation: pendingNote(pending, p.name, "cached_read") ?? "scenario not run",
      });
    } else {
      const ok = cached.every((r) => (r.vsBare ?? 0) >= 0.4);
      const top = cached[cached.length - 1];
      out.push({
        target: "cached read >= 40% of bare Deno.serve",
        profile: p.name,
        measured: ratios(cached, (r) => r.vsBare),
        verdict: ok ? "met" : "gap",
        explanation: ok
          ? ""
          : `${floorNote(rows, p.name)}; at ${top.connections} connections ${
            budgetNote((0.4 * top.result.rps) / (top.vsBare ?? 1), diag)
          }`,
      });
      const at64 = cached.find((r) => r.connections === 64);
      if (at64) {
        const ok64 = at64.result.p99Ms < 5;
        out.push({
          target: "cached read p99 < 5 ms at 64 connections",
          profile: p.name,
          measured: `${at64.result.p99Ms.toFixed(2)} ms`,
          verdict: ok64 ? "met" : "gap",
          explanation: ok64 ? "" : `two cores shared by wrk and the API: at 64 connections the ` +
            `bare server's own p99 is ${
              rows.find((r) => r.profile === p.name && r.name === "bare" && r.connections === 64)
                ?.result.p99Ms.toFixed(2) ?? "-"
            } ms; ${floorNote(rows, p.name)}`,
        });
      }
    }
    const errs = rows.filter((r) => r.profile === p.name && r.kind === "scenario")
      .filter((r) => r.result.errors > 0);
    out.push({
      target: "no error responses (except deliberate 429)",
      profile: p.name,
      measured: errs.length === 0
        ? "0 errors"
        : errs.map((r) => `${r.name}@${r.connections}: ${r.result.errors}`).join(", "),
      verdict: errs.length === 0 ? "met" : "gap",
      explanation: errs.length === 0
        ? ""
        : errs.map((r) =>
          `${r.name}: ${
            Object.entries(r.result.statuses).filter(([s]) => !s.startsWith("2")).map(([s, n]) =>
              `${n}x${s}`
            ).join(" ")
          }`
        ).join("; "),
    });
    out.push({
      target: "memory under load < 300 MB resident",
      profile: p.name,
      measured: p.underLoadMb === undefined || p.underLoadMb === 0
        ? "-"
        : `${p.underLoadMb.toFixed(0)} MB under load (VmHWM ${p.peakMb?.toFixed(0) ?? "-"} MB)`,
      verdict: !p.underLoadMb ? "not measured" : p.underLoadMb < 300 ? "met" : "gap",
      explanation: !p.underLoadMb || p.underLoadMb < 300 ? "" : memoryNote(rows, p),
    });
  }

  const server = profiles.find((p) => p.name === "server");
  if (server) {
    const byId = rowsOf(rows, "server", "read_by_id");
    const ok = byId.length > 0 && byId.every((r) => (r.vsStore ?? 0) >= 0.4);
    out.push({
      target: "read by id (server Postgres) >= 40% of pgbench -S TPS",
      profile: "server",
      measured: byId.length ? ratios(byId, (r) => r.vsStore) : "-",
      verdict: byId.length === 0 ? "not measured" : ok ? "met" : "gap",
      explanation: byId.length === 0
        ? pendingNote(pending, "server", "read_by_id") ?? "scenario not run"
        : ok
        ? ""
        : `an HTTP request costs more than a prepared SELECT: ${floorNote(rows, "server")}; ${
          budgetNote(
            (0.4 * byId[byId.length - 1].result.rps) / (byId[byId.length - 1].vsStore ?? 1),
            diag,
          )
        }`,
    });
    const create = rowsOf(rows, "server", "create_invalidating");
    const best = create.reduce((m, r) => Math.max(m, r.result.rps), 0);
    out.push({
      target: "create with audit and cache invalidation >= 3,000/s (server Postgres)",
      profile: "server",
      measured: create.length
        ? `best ${Math.round(best)}/s (${ratios(create, (r) => r.vsBare)} of bare)`
        : "-",
      verdict: create.length === 0 ? "not measured" : best >= 3000 ? "met" : "gap",
      explanation: create.length === 0
        ? pendingNote(pending, "server", "create_invalidating") ?? "scenario not run"
        : best >= 3000
        ? ""
        : `${floorNote(rows, "server")}; each create is one transaction of several statements; ${
          budgetNote(3000, diag)
        }`,
    });
  }

  const embedded = profiles.find((p) => p.name === "embedded");
  if (embedded) {
    const worst = Math.max(...embedded.startMs);
    out.push({
      target: "embedded start on an existing data folder < 3 s",
      profile: "embedded",
      measured: embedded.startMs.map((ms) => `${Math.round(ms)} ms`).join(", "),
      verdict: embedded.startMs.length === 0 ? "not measured" : worst < 3000 ? "met" : "gap",
      explanation: "",
    });
  }
  for (const p of profiles) {
    const lag = p.insightLag;
    out.push({
      target: "insight text to graph-visible relationship p99 < 1 s at 20 writes/s",
      profile: p.name,
      measured: lag
        ? `p99 ${lag.p99Ms} ms, p50 ${lag.p50Ms} ms (${lag.writes} writes at ${lag.ratePerS}/s)`
        : "-",
      verdict: !lag ? "not measured" : lag.p99Ms < 1000 ? "met" : "gap",
      explanation: !lag
        ? "the insight lag run failed (see notes)"
        : lag.p99Ms < 1000
        ? ""
        : p.name === "server"
        ? "FerretDB 1.x on SQLite has one writer and scans collections; each insight costs it " +
          "three writes (README, Insights)"
        : "the worker falls behind at this rate on this machine",
    });
  }
  return out;
}
