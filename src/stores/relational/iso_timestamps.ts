/**
 * timestamptz as the ISO 8601 text `JSON.stringify` writes for a Date, for rows that go straight
 * into a JSON answer: a Date there costs a parse on the way in and knocks `JSON.stringify` off its
 * fast path on the way out (a page of 50 leads: 55 us parsing, 116 us instead of 14 us writing).
 *
 * @module
 */

/** Type OID of timestamptz. */
export const TIMESTAMPTZ = 1184;

/** What JSON.stringify writes for `v`: a Date's toJSON (null when invalid), null for ±Infinity. */
export function asJsonValue(v: unknown): unknown {
  if (v instanceof Date) return v.toJSON();
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  return v;
}

/**
 * Postgres's usual output in UTC ("2026-12-06 20:55:11.198123+00") as ISO text, milliseconds
 * truncated as a Date truncates them; null for any other form (an offset, BC, five-digit years,
 * infinity).
 */
export function utcIsoText(text: string): string | null {
  const n = text.length;
  if (
    n < 22 || n > 29 || text.charCodeAt(4) !== 45 /* - */ ||
    text.charCodeAt(10) !== 32 /* space */ || !text.endsWith("+00")
  ) {
    return null;
  }
  const at19 = text.charCodeAt(19);
  if (n === 22 && at19 === 43 /* + */) return `${text.slice(0, 10)}T${text.slice(11, 19)}.000Z`;
  if (at19 !== 46 /* . */ || n === 23) return null;
  const ms = text.slice(20, Math.min(23, n - 3)).padEnd(3, "0");
  return `${text.slice(0, 10)}T${text.slice(11, 19)}.${ms}Z`;
}

/** A parser giving `fallback(text)` (the driver's Date parser) as JSON would write it. */
export function isoTimestampParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (text: string) => utcIsoText(text) ?? asJsonValue(fallback(text));
}
