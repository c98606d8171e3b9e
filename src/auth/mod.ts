/**
 * The auth domain's public face: everything other modules may use of accounts, passwords, tokens,
 * sessions and grants. Code outside `src/auth/` imports auth only from here; the sub-folders are
 * internals (tests may reach into them).
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { AUTH_PERMISSIONS } from "./route_permissions.ts";
import { authRoutes } from "./routes.ts";

// Who is calling, and what their roles grant.
export type { Grants, Principal } from "./grants/principal.ts";
export type { Action, PermissionSet } from "./grants/permissions.ts";
export { ACTIONS, grants } from "./grants/permissions.ts";
export { isRoleName, ROLE_NAMES, type RoleName } from "./grants/roles.ts";
export { allGrantsInvalidation, grantsInvalidation } from "./grants/principal.ts";
export { GrantsMemo } from "./grants/grants_memo.ts";
export { type GrantsSyncOptions, startGrantsSync } from "./grants/grants_sync.ts";
export { AccountMemo } from "./accounts/account_state.ts";
export { type AccountSyncOptions, startAccountSync } from "./accounts/account_sync.ts";

// Accounts, their activity log and the first admin.
export { PROFILE_COLUMNS, toProfile, type UserProfile } from "./accounts/accounts.ts";
export type { ActivityAction } from "./accounts/activity.ts";
export { createUserIfAbsent, ensureAdmin, systemActor } from "./accounts/bootstrap.ts";
export { UserProfileSchema } from "./schemas.ts";

// Tokens and the authenticator the guard runs.
export { type AccessClaims, createTokenService, type TokenService } from "./tokens/tokens.ts";
export { accessClaims } from "./tokens/access_claims.ts";
export { refreshTokenOwner } from "./tokens/refresh_tokens.ts";
export { createAuthenticator } from "./sessions/authenticate.ts";

// The auth services' view of the app's dependencies (for domains that administer accounts).
export { type AuthContext, authContext } from "./context.ts";

/** Sign-up, sign-in, tokens and sessions. */
export const authDomain: Domain = {
  name: "auth",
  mount: "/api/v1",
  permissions: AUTH_PERMISSIONS,
  routes: authRoutes,
};
