/**
 * Index specs as both document adapters accept them: validated keys, MongoDB's default name
 * ("a_1_b_-1"), unique and TTL options; a TTL index has one key and whole seconds.
 *
 * @module
 */
import { type SortKey, validatePath } from "./filter_validate.ts";
import type { IndexSpec } from "./port.ts";
import { invalid } from "./checks.ts";

/** A validated index spec. */
export interface ParsedIndex {
  name: string;
  keys: SortKey[];
  unique: boolean;
  /** Seconds after the key's Date at which a document expires; absent for non-TTL indexes. */
  expireAfterSeconds?: number;
}

const NAME_RE = /^[A-Za-z0-9_.\-]{1,120}$/;

/** Validates `spec` and fills in the default name. */
export function parseIndexSpec(spec: IndexSpec): ParsedIndex {
  if (typeof spec !== "object" || spec === null || typeof spec.keys !== "object") {
    throw invalid("an index needs keys");
  }
  const keys = Object.entries(spec.keys).map(([path, dir]) => {
    validatePath(path);
    if (dir !== 1 && dir !== -1) throw invalid(`index direction for ${path} must be 1 or -1`);
    return { path, dir } as SortKey;
  });
  if (keys.length === 0 || keys.length > 8) throw invalid("an index needs 1 to 8 keys");
  if (keys.length === 1 && keys[0].path === "_id") {
    throw invalid("_id is always indexed and unique");
  }
  const name = spec.name ?? keys.map((k) => `${k.path}_${k.dir}`).join("_");
  if (!NAME_RE.test(name)) throw invalid(`invalid index name ${JSON.stringify(name)}`);
  const parsed: ParsedIndex = { name, keys, unique: spec.unique === true };
  if (spec.expireAfterSeconds !== undefined) {
    const s = spec.expireAfterSeconds;
    if (!Number.isInteger(s) || s < 0 || s > 2 ** 31 - 1) {
      throw invalid("expireAfterSeconds must be a whole number of seconds >= 0");
    }
    if (keys.length !== 1) throw invalid("a TTL index has exactly one key (a Date field)");
    parsed.expireAfterSeconds = s;
  }
  return parsed;
}

/** True when two specs describe the same index (same keys and options). */
export function sameIndex(a: ParsedIndex, b: ParsedIndex): boolean {
  return a.unique === b.unique && a.expireAfterSeconds === b.expireAfterSeconds &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => k.path === b.keys[i].path && k.dir === b.keys[i].dir);
}
