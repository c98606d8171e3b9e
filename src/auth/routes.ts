// The auth routes, mounted under /api/v1 by createApp: accounts, tokens and sessions, plus the
// admin user routes of src/users (one mount for the whole identity domain).
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditActor } from "../audit/record.ts";
import { AppError } from "../errors.ts";
import { clientIp } from "../http/client_ip.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { usersRoutes } from "../users/routes.ts";
import { createAccount, loadProfile } from "./accounts.ts";
import { authContext } from "./context.ts";
import { login } from "./login.ts";
import { changePassword } from "./password_change.ts";
import { refresh } from "./refresh.ts";
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
import { logout, revokeSession, sessionsOf } from "./sessions.ts";
import type { TokenPair } from "./token_pair.ts";

const tags = ["auth"];
const bearer = [{ bearer: [] }];
const problem = (description: string) => ({ description });
const tokenAnswer = {
  description: "A new access and refresh token",
  content: { "application/json": { schema: TokenPairSchema } },
};

const register = createRoute({
  method: "post",
  path: "/auth/register",
  tags,
  summary: "Create an account (it holds no role until an admin grants one)",
  request: { body: { required: true, content: { "application/json": { schema: RegisterBody } } } },
  responses: {
    201: { description: "Created", content: { "application/json": { schema: RegisteredSchema } } },
    409: problem("The e-mail is already registered"),
    422: problem("Invalid body"),
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
    401: problem("Wrong e-mail or password"),
    415: problem("The body is neither JSON nor the form"),
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
    401: problem("Invalid, expired, revoked or reused token"),
    415: problem("The body is neither JSON nor the form"),
  },
});

const logoutRoute = createRoute({
  method: "post",
  path: "/auth/logout",
  tags,
  security: bearer,
  summary: "Revoke this access token and its session",
  responses: { 204: { description: "Signed out" }, 401: problem("No valid access token") },
});

const me = createRoute({
  method: "get",
  path: "/auth/me",
  tags,
  security: bearer,
  summary: "The caller's profile, roles, effective permissions and companies",
  responses: {
    200: { description: "Profile", content: { "application/json": { schema: MeSchema } } },
    401: problem("No valid access token"),
  },
});

const password = createRoute({
  method: "post",
  path: "/auth/password",
  tags,
  security: bearer,
  summary: "Change the password; every other session ends, this one gets a new pair",
  request: {
    body: { required: true, content: { "application/json": { schema: PasswordChangeBody } } },
  },
  responses: {
    200: tokenAnswer,
    401: problem("No valid access token"),
    422: problem("Wrong current password or weak new one"),
  },
});

const sessions = createRoute({
  method: "get",
  path: "/auth/sessions",
  tags,
  security: bearer,
  summary: "The caller's active sessions",
  responses: {
    200: {
      description: "Sessions",
      content: { "application/json": { schema: SessionListSchema } },
    },
    401: problem("No valid access token"),
  },
});

const deleteSession = createRoute({
  method: "delete",
  path: "/auth/sessions/{id}",
  tags,
  security: bearer,
  summary: "End one of the caller's sessions",
  request: { params: SessionParams },
  responses: {
    204: { description: "Ended" },
    401: problem("No valid access token"),
    404: problem("No such session of yours"),
  },
});

type MediaKind = "json" | "form";

/** Which of the two declared bodies this request carries; 415 for anything else. */
function mediaKind(c: Context<AppEnv>): MediaKind {
  const type = c.req.header("Content-Type")?.split(";")[0].trim().toLowerCase();
  if (type === "application/json") return "json";
  if (type === "application/x-www-form-urlencoded") return "form";
  throw new AppError(415, "unsupported_media_type", "Unsupported media type", {
    detail: "Send application/json or application/x-www-form-urlencoded",
  });
}

/** Token answers must never be cached (RFC 6749 section 5.1). */
function tokens(c: Context<AppEnv>, pair: TokenPair) {
  c.header("Cache-Control", "no-store");
  return c.json(pair, 200);
}

export function authRoutes(deps: Deps) {
  const app = createRouter();
  const ctx = authContext(deps);
  const actorOf = (c: Context<AppEnv>) => auditActor(c, clientIp(c, deps.config.trustProxy));

  app.openapi(register, async (c) => {
    const body = c.req.valid("json");
    const profile = await createAccount(ctx.db, {
      email: body.email,
      password: body.password,
      fullName: body.full_name,
    }, actorOf(c));
    await ctx.activity.record({
      userId: profile.id,
      action: "register",
      actor: { ...actorOf(c), userId: profile.id },
    });
    return c.json({ ...profile, roles: [] }, 201);
  });

  app.openapi(loginRoute, async (c) => {
    const body = mediaKind(c) === "json" ? c.req.valid("json") : c.req.valid("form");
    const email = "username" in body ? body.username : body.email;
    return tokens(c, await login(ctx, actorOf(c), { email, password: body.password }));
  });

  app.openapi(refreshRoute, async (c) => {
    const token = mediaKind(c) === "json"
      ? c.req.valid("json").refresh_token
      : c.req.valid("form").refresh_token;
    return tokens(c, await refresh(ctx, actorOf(c), token));
  });

  app.openapi(logoutRoute, async (c) => {
    await logout(ctx, actorOf(c), principalOf(c));
    return c.body(null, 204);
  });

  app.openapi(me, async (c) => {
    const p = principalOf(c);
    const profile = await loadProfile(ctx.db, p.userId);
    return c.json({
      ...profile,
      roles: p.roles,
      permissions: p.permissions,
      company_ids: p.companyIds,
    }, 200);
  });

  app.openapi(password, async (c) => {
    const body = c.req.valid("json");
    const pair = await changePassword(ctx, actorOf(c), principalOf(c), {
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
    await revokeSession(ctx, actorOf(c), principalOf(c), c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.route("/", usersRoutes(deps, ctx));
  return app;
}
