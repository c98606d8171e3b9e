// The five roles of seed 004 (the role_name enum); grants are by name.

export const ROLE_NAMES = ["admin", "diretor", "comercial", "agente_ia", "cliente"] as const;
export type RoleName = typeof ROLE_NAMES[number];

/** True when `name` is one of the five roles. */
export function isRoleName(name: string): name is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(name);
}
