/**
 * The auth routes, mounted under /api/v1 by createApp: accounts, tokens and sessions. Handlers
 * validate, call one service, answer.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requestActor } from "../audit/record.ts";
import { unauthorized, unsupportedMediaType } from "../errors.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { json, problems, security } from "../shared/openapi.ts";
import { createAccount } from "./accounts/accounts.ts";
import { accountState } from "./accounts/account_state.ts";
import { authContext } from "./context.ts";
import { login } from "./sessions/login.ts";
import { changePassword } from "./sessions/password_change.ts";
import { refresh } from "./sessions/refresh.ts";
import {
  LoginForm,
  LoginJson,
  MeSchema,
  PasswordChangeBody,
  RefreshForm,
  RefreshJson,
  RegisterBody,
  RegisteredSchema,
  SessionListSchema,
  SessionParams,
  TokenPairSchema,
} from "./schemas.ts";
import { logout, revokeSession, sessionsOf } from "./sessions/sessions.ts";
import type { TokenPair } from "./tokens/token_pair.ts";

const tags = ["auth"];
const tokenAnswer = json(TokenPairSchema, "A new access and refresh token");

const register = createRoute({
  method: "post",
  path: "/auth/register",
  tags,
  summary: "Create an account (it holds no role until an admin grants one)",
  request: { body: { required: true, content: { "application/json": { schema: RegisterBody } } } },
  responses: {
    201: json(RegisteredSchema, "Created"),
    ...problems([409, "The e-mail is already registered"], 415, 422, 429, 503),
  },
});

const loginRoute = createRoute({
  method: "post",
  path: "/auth/login",
  tags,
  summary: "Sign in with e-mail and password (JSON) or the OAuth2 password form",
  request: {
    body: {
      content: {
        "application/json": { schema: LoginJson },
        "application/x-www-form-urlencoded": { schema: LoginForm },
      },
    },
  },
  responses: {
    200: tokenAnswer,
    ...problems([401, "Wrong e-mail or password"], 415, 422, 429, 503),
  },
});

const refreshRoute = createRoute({
  method: "post",
  path: "/auth/refresh",
  tags,
  summary: "Swap a refresh token for a new pair (rotation; reuse revokes the session)",
  request: {
    body: {
      content: {
        "application/json": { schema: RefreshJson },
        "application/x-www-form-urlencoded": { schema: RefreshForm },
      },
    },
  },
  responses: {
    200: tokenAnswer,
    ...problems([401, "Invalid, expired, revoked or reused token"], 415, 422, 429, 503),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags,
  security,
  summary: "Revoke this access token and its session",
  responses: { 204: { description: "Signed out" }, ...problems(401, 503) },
});

const me = createRoute({
  method: "get",
  path: "/auth/me",
  tags,
  security,
  summary: "The caller's profile, roles, effective permissions and companies",
  responses: {
    200: json(MeSchema, "Profile"),
    ...problems(401, 503),
  },
});

const password = createRoute({
  method: "post",
  path: "/auth/password",
  tags,
  security,
  summary: "Change the password; every other session ends, this one gets a new pair",
  request: {
    body: { required: true, content: { "application/json": { schema: PasswordChangeBody } } },
  },
  responses: {
    200: tokenAnswer,
    ...problems(401, [422, "Wrong current password or weak new one"], 503),
  },
});

const sessions = createRoute({
  method: "get",
  path: "/auth/sessions",
  tags,
  security,
  summary: "The caller's active sessions",
  responses: {
    200: json(SessionListSchema, "Sessions"),
    ...problems(401, 503),
  },
});

const deleteSession = createRoute({
  method: "delete",
  path: "/auth/sessions/{id}",
  tags,
  security,
  summary: "End one of the caller's sessions",
  request: { params: SessionParams },
  responses: {
    204: { description: "Ended" },
    ...problems(401, [404, "No such session of yours"], 422, 503),
  },
});

type MediaKind = "json" | "form";

/** Which of the two declared bodies this request carries; 415 for anything else. */
function mediaKind(c: Context<AppEnv>): MediaKind {
  const type = c.req.header("Content-Type")?.split(";")[0].trim().toLowerCase();
  if (type === "application/json") return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  throw unsupportedMediaType("Send application/json or application/x-www-form-urlencoded");
}

/** Token answers must never be cached (RFC 6749 section 5.1). */
function tokens(c: Context<AppEnv>, pair: TokenPair) {
  c.header("Cache-Control", "no-store");
  return c.json(pair, 200);
}

export function authRoutes(deps: Deps) {
  const app = createRouter();
  const ctx = authContext(deps);

  app.openapi(register, async (c) => {
    const body = c.req.valid("json");
    const profile = await createAccount(ctx.db, {
      email: body.email,
      password: body.password,
      fullName: body.full_name,
    }, requestActor(c, deps));
    await ctx.activity.record({
      userId: profile.id,
      action: "register",
      actor: { ...requestActor(c, deps), userId: profile.id },
    });
    return c.json({ ...profile, roles: [] }, 201);
  });

  app.openapi(loginRoute, async (c) => {
    const body = mediaKind(c) === "json" ? c.req.valid("json") : c.req.valid("form");
    const email = "username" in body ? body.username : body.email;
    return tokens(c, await login(ctx, requestActor(c, deps), { email, password: body.password }));
  });

  app.openapi(refreshRoute, async (c) => {
    const token = mediaKind(c) === "json"
      ? c.req.valid("json").refresh_token
      : c.req.valid("form").refresh_token;
    return tokens(c, await refresh(ctx, requestActor(c, deps), token));
  });

  app.openapi(logoutRoute, async (c) => {
    await logout(ctx, requestActor(c, deps), principalOf(c));
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => {
    const p = principalOf(c);
    // The authenticator has just read the account state; this is usually the memo's copy.
    const state = await accountState({ db: ctx.db, memo: ctx.accounts }, p.userId);
    if (state === null) throw unauthorized();
    return c.json({
      ...state.profile,
      roles: p.roles,
      permissions: p.permissions,
      company_ids: p.companyIds,
    }, 200);
  });

  app.openapi(password, async (c) => {
    const body = c.req.valid("json");
    const pair = await changePassword(ctx, requestActor(c, deps), principalOf(c), {
      currentPassword: body.current_password,
      newPassword: body.new_password,
    });
    return tokens(c, pair);
  });

  app.openapi(sessions, async (c) => {
    const items = await sessionsOf(ctx, principalOf(c));
    return c.json({ items, next_cursor: null }, 200);
  });

  app.openapi(deleteSession, async (c) => {
    await revokeSession(ctx, requestActor(c, deps), principalOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  });

  return app;
}
