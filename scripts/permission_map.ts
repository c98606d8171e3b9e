// The permission map of README.md ("Permissions"): the grants of each role, and every route group
// with the permission its routes declare and which roles hold it. Built from the live route table
// (createApp(...).permissions) and the role JSON the migrations leave in `roles` (seed 004's JSON
// in 0009, extended by 0011 and 0012), on a throwaway embedded database.
//
//   deno run -A scripts/permission_map.ts          print the map
//   deno run -A scripts/permission_map.ts --write  replace the generated block in README.md
//
// tests/crm/role_matrix_test.ts fails when README's block differs from what this prints.
import { createApp } from "../src/app.ts";
import { type Action, grants, type PermissionSet, ROLE_NAMES } from "../src/auth/mod.ts";
import { loadConfig } from "../src/config.ts";
import { permissionTable } from "../src/crm/route_permissions.ts";
import { RESOURCES } from "../src/crm/registry/mod.ts";
import type { Resource } from "../src/crm/resource.ts";
import type { PermissionTable, RoutePermission } from "../src/http/route_permissions.ts";
import { createLogger } from "../src/log.ts";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp } from "../src/migrate/runner.ts";
import type { Queryable } from "../src/stores/relational/port.ts";
import { openStores } from "../src/stores/mod.ts";

export const MAP_START =
  "<!-- permission-map:start (deno run -A scripts/permission_map.ts --write) -->";
export const MAP_END = "<!-- permission-map:end -->";

/** Route groups README describes by hand instead (first path segment under /api/v1): files, whose
 * permission is that of the record a file attaches to (README "Files"). */
export const HAND_WRITTEN_GROUPS: ReadonlySet<string> = new Set(["files"]);

const API = "/api/v1";
const CALLERS = [...ROLE_NAMES, "no role"] as const;
const ACTION_LETTER: Record<Action, string> = { read: "R", create: "C", update: "U", delete: "D" };

/** Each role's permission JSON as the migrations left it. */
export async function roleGrants(db: Queryable): Promise<Record<string, PermissionSet>> {
  const r = await db.query<{ name: string; permissions: PermissionSet }>(
    "select name::text as name, permissions from roles order by name",
  );
  return Object.fromEntries(r.rows.map((x) => [x.name, x.permissions]));
}

/** "GET /api/v1/companies/:id" -> { method, path: "/companies/{id}", group: "companies" }. */
function parseKey(key: string) {
  const [method, raw] = key.split(" ", 2);
  const api = raw.startsWith(`${API}/`);
  const rest = api ? raw.slice(API.length) : raw;
  const path = rest.replace(/:([a-z_]+)(\{[^}]*\})?/g, "{$1}");
  const group = api ? rest.split("/")[1] : "system";
  return { method, path, group };
}

/** CRM route key -> its resource, for the company scope of cliente. */
function crmResourceByRoute(resources: readonly Resource[]): Map<string, Resource> {
  const out = new Map<string, Resource>();
  for (const res of resources) {
    for (const key of Object.keys(permissionTable([res]))) out.set(key, res);
  }
  return out;
}

function cell(
  perm: RoutePermission,
  caller: typeof CALLERS[number],
  roles: Record<string, PermissionSet>,
  res: Resource | undefined,
): string {
  if (perm === "public") return "yes";
  if (perm === "user") return "own";
  const [resource, action] = perm;
  const set = caller === "no role" ? {} : roles[caller] ?? {};
  if (!grants(set, resource, action)) return "-";
  // A cliente is company-scoped (src/crm/engine/scope.ts): rows of its companies only, and a
  // table with no way to a company is refused whatever the JSON grants.
  if (caller === "cliente" && res && !res.owner) return res.company ? "own cos." : "no (scope)";
  return "yes";
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** The generated block (without the markers): role grants, then routes. */
export function renderPermissionMap(
  permissions: PermissionTable,
  roles: Record<string, PermissionSet>,
  resources: readonly Resource[] = RESOURCES,
): string {
  const crm = crmResourceByRoute(resources);

  // Rows of the route map: one per group, permission resource and holders, in table order.
  interface Row {
    routes: { method: string; path: string }[];
    label: string;
    actions: Action[];
    cells: string[];
  }
  // Groups in the order they first appear; within one, a row per permission and holders.
  const groups = new Map<string, Map<string, Row>>();
  const used = new Set<string>();
  for (const [key, perm] of Object.entries(permissions)) {
    const { method, path, group } = parseKey(key);
    if (HAND_WRITTEN_GROUPS.has(group)) continue;
    const cells = CALLERS.map((c) => cell(perm, c, roles, crm.get(key)));
    const label = typeof perm === "string" ? perm : perm[0];
    if (typeof perm !== "string") used.add(perm[0]);
    const rows = groups.get(group) ?? new Map<string, Row>();
    const id = `${label} ${cells.join(",")}`;
    const row = rows.get(id) ?? { routes: [], label, actions: [], cells };
    row.routes.push({ method, path });
    if (typeof perm !== "string" && !row.actions.includes(perm[1])) row.actions.push(perm[1]);
    rows.set(id, row);
    groups.set(group, rows);
  }
  // "GET `/a`, `/a/{id}`, POST `/a`": paths by method, methods in the order they first appear.
  const routesText = (routes: Row["routes"]) => {
    const byMethod = new Map<string, string[]>();
    for (const r of routes) byMethod.set(r.method, [...byMethod.get(r.method) ?? [], r.path]);
    return [...byMethod].map(([m, paths]) => `${m} ${paths.map((p) => `\`${p}\``).join(", ")}`)
      .join(", ");
  };
  const permText = (r: Row) =>
    r.label === "public"
      ? "public (no token)"
      : r.label === "user"
      ? "user (signed in)"
      : `\`${r.label}\` ${r.actions.join(", ")}`;

  // Role grants: every permission resource a route or a role's JSON names, with the actions
  // each role holds.
  for (const set of Object.values(roles)) {
    for (const resource of Object.keys(set)) if (resource !== "all") used.add(resource);
  }
  const order: Action[] = ["read", "create", "update", "delete"];
  const grantRows = [...used].map((resource) => [
    `\`${resource}\``,
    ...ROLE_NAMES.map((role) =>
      order.filter((a) => grants(roles[role] ?? {}, resource, a)).map((a) => ACTION_LETTER[a])
        .join("") || "-"
    ),
  ]);

  return [
    ...table(["permission resource", ...ROLE_NAMES], grantRows),
    "",
    ...table(
      ["routes", "permission", ...CALLERS],
      [...groups.values()].flatMap((rows) =>
        [...rows.values()].map((r) => [routesText(r.routes), permText(r), ...r.cells])
      ),
    ),
  ].join("\n");
}

/** The generated block of `readme`, without the markers (throws when they are missing). */
export function readmeMap(readme: string): string {
  const start = readme.indexOf(MAP_START);
  const end = readme.indexOf(MAP_END);
  if (start < 0 || end < start) throw new Error("README.md has no permission-map markers");
  return readme.slice(start + MAP_START.length, end).trim();
}

/** Tables compared cell by cell, so column alignment (deno fmt) does not matter. */
export function normalizeMap(text: string): string[][] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "")
    .map((l) => l.replace(/^\||\|$/g, "").split("|").map((c) => c.trim()))
    .filter((cells) => !cells.every((c) => /^:?-+:?$/.test(c)));
}

/** The live route table and role JSON, from a throwaway embedded API. */
async function liveInputs() {
  const dataDir = await Deno.makeTempDir({ prefix: "polystore-permission-map-" });
  const secret = crypto.randomUUID() + crypto.randomUUID();
  const config = loadConfig({
    DATABASE_URL: "memory://",
    DATA_DIR: dataDir,
    JWT_SECRET: secret,
    LOG_LEVEL: "silent",
  });
  const log = createLogger("silent");
  const stores = await openStores(config, log, { signingKey: secret });
  try {
    await migrateUp(stores.relational, await loadMigrations());
    const app = createApp(stores, config, { logger: log });
    return { permissions: app.permissions, roles: await roleGrants(stores.relational) };
  } finally {
    await stores.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { permissions, roles } = await liveInputs();
  const map = renderPermissionMap(permissions, roles);
  if (Deno.args.includes("--write")) {
    const file = new URL("../README.md", import.meta.url);
    const readme = await Deno.readTextFile(file);
    readmeMap(readme); // the markers must be there
    const start = readme.indexOf(MAP_START) + MAP_START.length;
    const end = readme.indexOf(MAP_END);
    await Deno.writeTextFile(file, `${readme.slice(0, start)}\n\n${map}\n\n${readme.slice(end)}`);
    console.log("README.md: permission map updated");
  } else {
    console.log(map);
  }
}
