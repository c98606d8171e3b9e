/**
 * Both relational adapters decode values the same way, so services see identical rows on PGlite
 * and on server Postgres: int8 and numeric as numbers, date as "YYYY-MM-DD", timestamptz as Date.
 *
 * @module
 */

const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;

function toNumber(text: string): number | string {
  const n = Number(text);
  // Past 2^53 a number would silently lose digits; keep the exact text instead.
  return Number.isSafeInteger(n) || !Number.isInteger(n) ? n : text;
}

/** Text parsers by type OID, overriding each driver's defaults. */
export const typeParsers: Record<number, (text: string) => unknown> = {
  [INT8]: toNumber,
  [NUMERIC]: (text) => Number(text),
  [DATE]: (text) => text,
};
