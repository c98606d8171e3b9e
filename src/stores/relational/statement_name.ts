/**
 * Names for prepared statements whose text is built at run time (a resource's table, the
 * caller's scope, a list's filters): one name per distinct text, so the adapters parse and plan
 * it once (per connection on pg) instead of on every call.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Distinct texts named; past this, texts run unprepared rather than grow the map. */
const MAX_NAMED = 2_000;
const names = new Map<string, string>();

/** The statement name for `sql` (`prefix` + a hash of the text), or undefined past the bound. */
export function statementName(prefix: string, sql: string): string | undefined {
  let name = names.get(sql);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) return undefined;
    name = `${prefix}_${createHash("sha1").update(sql).digest("hex").slice(0, 16)}`;
    names.set(sql, name);
  }
  return name;
}
