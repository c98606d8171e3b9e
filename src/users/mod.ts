/**
 * The users domain: the admin routes over accounts (list, role grants, company links), behind the
 * `users` resource. Accounts themselves belong to auth; this domain reaches them through
 * `src/auth/mod.ts`.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { USERS_PERMISSIONS } from "./route_permissions.ts";
import { usersRoutes } from "./routes.ts";

export const usersDomain: Domain = {
  name: "users",
  mount: "/api/v1",
  permissions: USERS_PERMISSIONS,
  routes: usersRoutes,
};
