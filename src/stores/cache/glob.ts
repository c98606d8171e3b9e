/**
 * Glob handling shared by the cache adapters: the port's patterns know only `*` and `?`, so every
 * other character is literal on Redis (escaped for its richer glob) and in memory (a RegExp).
 *
 * @module
 */

/** Backslash-escapes every Redis glob metacharacter so `text` matches only itself. */
export function escapeRedisGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

/** A port pattern as a Redis MATCH pattern: `*` and `?` stay wild, `[`, `]` and `\` are literal. */
export function toRedisGlob(pattern: string): string {
  return pattern.replace(/[[\]\\]/g, "\\$&");
}

/** A port pattern as an anchored RegExp: `*` is any run, `?` one character, the rest literal. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  for (const ch of pattern) {
    if (ch === "*") source += ".*";
    else if (ch === "?") source += ".";
    else source += ch.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  }
  // `s` so wildcards cross newlines as Redis globs do; `u` so `?` is one code point.
  return new RegExp(`^${source}$`, "su");
}
