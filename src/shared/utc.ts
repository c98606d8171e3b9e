/**
 * UTC calendar arithmetic for reports and daily budgets: a "day" or "month" is always a UTC one,
 * so figures do not depend on the server's or the database session's time zone.
 *
 * @module
 */

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds at 00:00 UTC of an ISO date (YYYY-MM-DD), or null when it is not a real date. */
export function parseIsoDate(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Not Date.UTC, which reads years below 100 as 19xx (0001-01-01 would come back as 1901).
  const back = new Date(0);
  back.setUTCFullYear(y, mo - 1, d);
  const ms = back.getTime();
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip.
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) {
    return null;
  }
  return ms;
}

/** The UTC date (YYYY-MM-DD) containing `ms`. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** [start, end) of the UTC day containing `ms`. */
export function utcDayBounds(ms: number): { start: Date; end: Date } {
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  return { start: new Date(start), end: new Date(start + DAY_MS) };
}

/** Milliseconds from `ms` to the next 00:00 UTC (never 0: at midnight it is a whole day). */
export function msToNextUtcMidnight(ms: number): number {
  return DAY_MS - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The YYYY-MM of every UTC month from the one containing `fromMs` to the one containing `toMs`. */
export function monthsBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const from = new Date(fromMs);
  let y = from.getUTCFullYear();
  let m = from.getUTCMonth();
  const end = new Date(toMs);
  const endKey = end.getUTCFullYear() * 12 + end.getUTCMonth();
  while (y * 12 + m <= endKey) {
    out.push(`${y}-${String(m + 1).padStart(2, "0")}`);
    m++;
    if (m === 12) {
      m = 0;
      y++;
    }
  }
  return out;
}

export { DAY_MS };
