// Issue 15's figures (they replace design section 6's) checked against the run, plus the insight
// lag of issue 11. Each gap names the measurement of the same run that explains it (the framework
// floor from /health, the auth cost from /auth/me, ...).
import type { LayerCost } from "./layers.ts";
import type { Pending, ProfileInfo, Row } from "./report.ts";
import type { ProfileName } from "./profiles.ts";
import type { StoreCost } from "./store_costs.ts";

/** Diagnostics of the same run that turn a ratio gap into a per-request CPU budget. */
export interface Diagnostics {
  layers: LayerCost[];
  storeCosts: StoreCost[];
  /** polystore / PocketBase per peer scenario and connection count (--peer=pocketbase). */
  peer?: PeerRatio[];
}

/** One row of the PocketBase side-by-side table. */
export interface PeerRatio {
  scenario: string;
  connections: number;
  ratio: number;
  /** A read (view, list): held to x2.0 rather than x1.0. */
  read: boolean;
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
 * How /health compares with a bare Deno.serve sending the same answer (headers, request id,
 * body): the part of the gap that is the runtime's cost of the answer, not the API's.
 */
function sameAnswerNote(rows: Row[], profile: ProfileName, health: Row): string {
  const baseline = (name: string) =>
    rows.find((r) =>
      r.profile === profile && r.kind === "baseline" && r.name === name &&
      r.connections === health.connections
    );
  const answer = baseline("bare_answer");
  const bare = baseline("bare");
  if (!answer || !bare) return "";
  return `a bare Deno.serve sending the same answer (its headers and request id) reaches ${
    x(answer.result.rps / bare.result.rps)
  } of bare, and /health ${x(health.result.rps / answer.result.rps)} of that`;
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
  const missing = (target: string, profile: ProfileName | "both", name: string) =>
    out.push({
      target,
      profile,
      measured: "-",
      verdict: "not measured",
      explanation: pendingNote(pending, profile as ProfileName, name) ?? "scenario not run",
    });
  const verdict = (ok: boolean): TargetCheck["verdict"] => ok ? "met" : "gap";
  const at = (rs: Row[], c: number) => rs.find((r) => r.connections === c);

  for (const p of profiles) {
    // /health at 16 connections: the framework's own cost.
    const health = at(rowsOf(rows, p.name, "health"), 16);
    const tHealth = "/health >= 50% of bare Deno.serve at 16 connections";
    if (!health) missing(tHealth, p.name, "health");
    else {
      const ok = (health.vsBare ?? 0) >= 0.5;
      out.push({
        target: tHealth,
        profile: p.name,
        measured: x(health.vsBare),
        verdict: verdict(ok),
        explanation: ok ? "" : [
          sameAnswerNote(rows, p.name, health),
          budgetNote((0.5 * health.result.rps) / (health.vsBare ?? 1), diag),
        ].filter(Boolean).join("; "),
      });
    }

    const cached = rowsOf(rows, p.name, "cached_read");
    const tCached = "signed-in cached read >= 20% of bare Deno.serve";
    const tRedis = "signed-in cached read >= 0.25 of redis-benchmark GET";
    if (cached.length === 0) {
      missing(tCached, p.name, "cached_read");
      if (p.name === "server") missing(tRedis, p.name, "cached_read");
    } else {
      const ok = cached.every((r) => (r.vsBare ?? 0) >= 0.2);
      const top = cached[cached.length - 1];
      out.push({
        target: tCached,
        profile: p.name,
        measured: ratios(cached, (r) => r.vsBare),
        verdict: verdict(ok),
        explanation: ok
          ? ""
          : `${floorNote(rows, p.name)}; at ${top.connections} connections ${
            budgetNote((0.2 * top.result.rps) / (top.vsBare ?? 1), diag)
          }`,
      });
      if (p.name === "server") {
        const okRedis = cached.every((r) => (r.vsStore ?? 0) >= 0.25);
        out.push({
          target: tRedis,
          profile: p.name,
          measured: ratios(cached, (r) => r.vsStore),
          verdict: verdict(okRedis),
          explanation: okRedis ? "" : floorNote(rows, p.name),
        });
      }
    }

    const me = rowsOf(rows, p.name, "auth_me");
    const tMe = "auth_me within 1.5x of the cached read (rps)";
    const pairs = me.flatMap((m) => {
      const c = at(cached, m.connections);
      return c ? [{ c: m.connections, f: c.result.rps / Math.max(m.result.rps, 1e-9) }] : [];
    });
    if (pairs.length === 0) missing(tMe, p.name, me.length ? "cached_read" : "auth_me");
    else {
      const ok = pairs.every((q) => q.f <= 1.5);
      out.push({
        target: tMe,
        profile: p.name,
        measured: pairs.map((q) => `cached/auth_me ${q.f.toFixed(2)} @${q.c}`).join(", "),
        verdict: verdict(ok),
        explanation: ok ? "" : "the token check costs more than the cached read's store call",
      });
    }

    const list = at(rowsOf(rows, p.name, "list_filtered"), 1);
    const limitMs = p.name === "server" ? 3 : 8;
    const tList = `filtered list p50 <= ${limitMs} ms at one connection`;
    if (!list) missing(tList, p.name, "list_filtered");
    else {
      const ok = list.result.p50Ms <= limitMs;
      out.push({
        target: tList,
        profile: p.name,
        measured: `p50 ${list.result.p50Ms.toFixed(2)} ms`,
        verdict: verdict(ok),
        explanation: ok ? "" : `${floorNote(rows, p.name)} (docs/bench.md, Database paths)`,
      });
    }

    const limitMb = p.name === "server" ? 300 : 400;
    out.push({
      target: `memory under load <= ${limitMb} MB resident`,
      profile: p.name,
      measured: p.underLoadMb === undefined || p.underLoadMb === 0
        ? "-"
        : `${p.underLoadMb.toFixed(0)} MB under load (VmHWM ${p.peakMb?.toFixed(0) ?? "-"} MB)`,
      verdict: !p.underLoadMb ? "not measured" : verdict(p.underLoadMb <= limitMb),
      explanation: !p.underLoadMb || p.underLoadMb <= limitMb ? "" : memoryNote(rows, p),
    });
  }

  const server = profiles.find((p) => p.name === "server");
  if (server) {
    const byId = at(rowsOf(rows, "server", "read_by_id"), 16);
    const tById = "read by id >= 30% of pgbench -S at 16 connections";
    if (!byId) missing(tById, "server", "read_by_id");
    else {
      const ok = (byId.vsStore ?? 0) >= 0.3;
      out.push({
        target: tById,
        profile: "server",
        measured: x(byId.vsStore),
        verdict: verdict(ok),
        explanation: ok
          ? ""
          : `an HTTP request costs more than a prepared SELECT: ${floorNote(rows, "server")}; ${
            budgetNote((0.3 * byId.result.rps) / (byId.vsStore ?? 1), diag)
          }`,
      });
    }

    const fuzzy = at(rowsOf(rows, "server", "fuzzy_search"), 1);
    const tFuzzy = "fuzzy search p50 <= 10 ms at one connection";
    if (!fuzzy) missing(tFuzzy, "server", "fuzzy_search");
    else {
      const ok = fuzzy.result.p50Ms <= 10;
      out.push({
        target: tFuzzy,
        profile: "server",
        measured: `p50 ${fuzzy.result.p50Ms.toFixed(2)} ms`,
        verdict: verdict(ok),
        explanation: ok ? "" : "docs/bench.md, Database paths: the trigram plan and its cost",
      });
    }

    const create = rowsOf(rows, "server", "create_invalidating");
    const best = create.reduce((m, r) => Math.max(m, r.result.rps), 0);
    const tCreate = "create with audit and cache invalidation >= 2,000/s";
    if (create.length === 0) missing(tCreate, "server", "create_invalidating");
    else {
      out.push({
        target: tCreate,
        profile: "server",
        measured: `best ${Math.round(best)}/s (${ratios(create, (r) => r.vsBare)} of bare)`,
        verdict: verdict(best >= 2000),
        explanation: best >= 2000
          ? ""
          : `${floorNote(rows, "server")}; the insert and its audit row are one statement; ${
            budgetNote(2000, diag)
          }`,
      });
    }
  }

  const peer = diag?.peer ?? [];
  if (profiles.some((p) => p.name === "embedded")) {
    const low = peer.filter((r) => r.ratio < (r.read ? 2 : 1));
    out.push({
      target: "polystore / PocketBase >= 1.0 every row, >= 2.0 on reads",
      profile: "embedded",
      measured: peer.map((r) => `${r.scenario}@${r.connections} x${r.ratio.toFixed(2)}`)
        .join(", ") || "-",
      verdict: peer.length === 0 ? "not measured" : verdict(low.length === 0),
      explanation: peer.length === 0
        ? "run with --peer=pocketbase"
        : low.map((r) => `${r.scenario}@${r.connections}`).join(", "),
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
        ? "not run (--scenarios left out insight_lag) or failed (see notes)"
        : lag.p99Ms < 1000
        ? ""
        : "the worker or the projector falls behind at this rate on this machine: run " +
          "bench/insight_lag.ts --profile for the time per store operation (README, Insights)",
    });
  }
  return out;
}
