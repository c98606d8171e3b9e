/**
 * The five roles of the role_name enum (sql/0002); grants are by name.
 *
 * @module
 */

export const ROLE_NAMES = ["admin", "diretor", "comercial", "agente_ia", "cliente"] as const;
export type RoleName = typeof ROLE_NAMES[number];

/** True when `name` is one of the five roles. */
export function isRoleName(name: string): name is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(name);
}
