/** Short human renderings of sizes, durations and ages, sized for an 80-column table. @module */

/** 1536 -> "1.5 KiB"; null -> "-". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "-";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** 90_000 -> "1m30s"; -1 -> "none" (no expiry); null -> "-". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "-";
  if (ms < 0) return "none";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${d}d${h}h`;
  if (h > 0) return `${h}h${m}m`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** Age of an ISO time relative to `now` ("3m12s ago"). */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "-";
  return `${formatDuration(Math.max(0, now - t))} ago`;
}

/** Cuts `s` to `width` characters, marking the cut with an ellipsis. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return "";
  return s.length <= width ? s : s.slice(0, Math.max(0, width - 1)) + "…";
}

/** Pads or cuts `s` to exactly `width` characters. */
export function fit(s: string, width: number, align: "left" | "right" = "left"): string {
  const t = truncate(s, width);
  return align === "left" ? t.padEnd(width) : t.padStart(width);
}

/** The message of anything thrown, on one line. */
export function reason(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.replace(/\s+/g, " ").trim() || "unknown error";
}

/** 0.8734 -> "87.3%"; null -> "-". */
export function formatRatio(r: number | null): string {
  return r === null || !Number.isFinite(r) ? "-" : `${(r * 100).toFixed(1)}%`;
}
