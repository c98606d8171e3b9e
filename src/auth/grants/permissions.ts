/**
 * Role permissions as sql/0009_reference_data writes them in roles.permissions: `{"all": true}`, a resource
 * granted whole (`{"leads": true}`) or action by action (`{"content": {"read": true}}`).
 *
 * @module
 */
import { z } from "zod";

export const ACTIONS = ["read", "create", "update", "delete"] as const;
export type Action = typeof ACTIONS[number];

export const PermissionSetSchema = z.record(
  z.string(),
  z.union([z.boolean(), z.record(z.string(), z.boolean())]),
);
/** One role's grants, or the union of a user's roles. */
export type PermissionSet = z.infer<typeof PermissionSetSchema>;

/** True when `perms` allows `action` on `resource`. */
export function grants(perms: PermissionSet, resource: string, action: Action): boolean {
  if (perms.all === true) return true;
  const entry = perms[resource];
  if (entry === true) return true;
  return typeof entry === "object" && entry !== null && entry[action] === true;
}

/** The union of several roles' grants: a whole grant wins over per-action ones. */
export function mergePermissions(sets: readonly PermissionSet[]): PermissionSet {
  const out: PermissionSet = {};
  for (const set of sets) {
    for (const [resource, entry] of Object.entries(set)) {
      const prev = out[resource];
      if (entry === true || prev === true) out[resource] = true;
      else if (entry === false) out[resource] ??= false;
      else {
        const merged: Record<string, boolean> = typeof prev === "object" ? { ...prev } : {};
        for (const [a, v] of Object.entries(entry)) merged[a] = merged[a] === true || v;
        out[resource] = merged;
      }
    }
  }
  return out;
}
