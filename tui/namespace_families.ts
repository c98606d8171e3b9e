/**
 * Read-through namespaces are per entity (`user:<uuid>:permissions`, `insight:<uuid>`), so the
 * Cache screen adds them up by family, ids replaced with `*`, to show one ratio per kind of data.
 *
 * @module
 */
import type { NamespaceRatio } from "./ops_client.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a key segment that names one entity: a UUID, a number, or a long hex/base64url id. */
function isId(segment: string): boolean {
  return UUID.test(segment) || /^\d+$/.test(segment) ||
    (segment.length >= 16 && /\d/.test(segment) && /^[\w-]+$/.test(segment));
}

/** `user:0f…:permissions` -> `user:*:permissions`. */
export function familyOf(namespace: string): string {
  return namespace.split(":").map((s) => isId(s) ? "*" : s).join(":");
}

/** Namespaces summed by family, the most read first (then by name). */
export function namespaceFamilies(rows: readonly NamespaceRatio[]): NamespaceRatio[] {
  const sums = new Map<string, { hits: number; misses: number }>();
  for (const r of rows) {
    const f = familyOf(r.namespace);
    const s = sums.get(f) ?? { hits: 0, misses: 0 };
    s.hits += r.hits;
    s.misses += r.misses;
    sums.set(f, s);
  }
  return [...sums].map(([namespace, { hits, misses }]) => ({
    namespace,
    hits,
    misses,
    ratio: hits + misses === 0 ? null : hits / (hits + misses),
  })).sort((a, b) =>
    (b.hits + b.misses) - (a.hits + a.misses) ||
    (a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0)
  );
}
