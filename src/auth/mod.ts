/**
 * The auth domain's public face: what other modules may use of it. Code outside `src/auth/`
 * imports auth only from here.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { AUTH_PERMISSIONS } from "./route_permissions.ts";
import { authRoutes } from "./routes.ts";

export type { Principal } from "./principal.ts";
export type { Action } from "./permissions.ts";
export { grants } from "./permissions.ts";

/** Sign-up, sign-in, tokens, sessions and the user admin routes. */
export const authDomain: Domain = {
  name: "auth",
  mount: "/api/v1",
  permissions: AUTH_PERMISSIONS,
  routes: authRoutes,
};
