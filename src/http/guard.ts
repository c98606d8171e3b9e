/**
 * The permission middleware: finds the matched route in the permission table, lets public routes
 * through, and otherwise requires a valid access token (401) whose roles grant the route's
 * (resource, action) (403). A route missing from the table is refused: deny by default.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { AppError, forbidden, unauthorized } from "../errors.ts";
import { grants, type Principal } from "../auth/mod.ts";
import type { AppEnv } from "./types.ts";
import type { PermissionTable, RoutePermission } from "./route_permissions.ts";

/**
 * Resolves the caller from the request, or null when there is no valid token; a value rather
 * than a promise when everything it needs is in process.
 */
export type Authenticator = (
  c: Context<AppEnv>,
) => Principal | null | Promise<Principal | null>;

/** The route that will answer (its method and path pattern), or null when none matches. */
export function answeringRoute(c: Context): { method: string; path: string } | null {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const r = routes[i];
    if (r.method !== "ALL") return r;
  }
  return null;
}

/** The "METHOD /path" key of the route that will answer, or null when none matches. */
export function routeKey(c: Context): string | null {
  const r = answeringRoute(c);
  return r === null ? null : `${r.method} ${r.path}`;
}

export function guard(
  table: PermissionTable,
  authenticate: Authenticator,
): MiddlewareHandler<AppEnv> {
  const admit = (
    c: Context<AppEnv>,
    next: () => Promise<void>,
    perm: RoutePermission,
    principal: Principal | null,
  ) => {
    if (principal === null) throw unauthorized("A valid access token is required");
    c.set("principal", principal);
    if (perm !== "user" && perm !== "public") {
      const [resource, action] = perm;
      if (!grants(principal.permissions, resource, action)) {
        throw forbidden(`Your roles do not grant ${action} on ${resource}`);
      }
    }
    return next();
  };
  // Not async: a caller known in process goes on to the route without a promise of its own.
  return function guardMiddleware(c, next) {
    const key = routeKey(c);
    // No route matched: let the not-found handler answer 404/405.
    if (key === null) return next();
    // HEAD is answered by the GET route.
    const perm: RoutePermission | undefined = table[key] ??
      (c.req.method === "HEAD" ? table[key.replace(/^HEAD /, "GET ")] : undefined);
    if (perm === undefined) {
      throw new AppError(500, "route_without_permission", "Internal server error", {
        detail: "This route has no permission entry and is refused",
      });
    }
    if (perm === "public") return next();
    const principal = authenticate(c);
    return principal instanceof Promise
      ? principal.then((p) => admit(c, next, perm, p))
      : admit(c, next, perm, principal);
  };
}

/** The principal set by the guard; throws 401 if a handler runs without one. */
export function principalOf(c: Context<AppEnv>): Principal {
  const p = c.get("principal");
  if (!p) throw unauthorized();
  return p;
}
