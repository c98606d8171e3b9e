/**
 * The one shape every API domain takes: a name, where it is mounted, its slice of the route
 * permission table, and a routes factory over the app's `Deps`. `createApp` lists the domains
 * flat (src/domains.ts); no domain mounts another.
 *
 * @module
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { PermissionTable } from "./route_permissions.ts";
import type { AppEnv, Deps } from "./types.ts";

/** One API domain, as each `src/<domain>/mod.ts` exports it. */
export interface Domain {
  /** The folder name, for logs and docs. */
  readonly name: string;
  /** Where its router is mounted: "/api/v1" for the API, "/" for system routes. */
  readonly mount: string;
  /** Its routes' permissions, keyed "METHOD /full/path" as the guard sees them. */
  readonly permissions: PermissionTable;
  /** Builds its router; called once per app. */
  routes(deps: Deps): OpenAPIHono<AppEnv>;
  /**
   * Starts the domain's background work (workers, projectors, sweeps, schedules) and returns its
   * stop. Not called by createApp, which has no lifecycle: main.ts calls it once per process, and
   * tests call it where they need the work to run. Every job must be safe with several instances.
   */
  jobs?(deps: Deps): Promise<() => Promise<void>>;
}
