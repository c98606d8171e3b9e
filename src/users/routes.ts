/**
 * Admin user routes (resource "users"): the list, role grants and company links; permissions in
 * ./route_permissions.ts.
 *
 * @module
 */
import { createRoute } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { authContext } from "../auth/mod.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { json, problems, security } from "../shared/openapi.ts";
import {
  AdminUserListSchema,
  AdminUserSchema,
  GrantRoleBody,
  LinkCompanyBody,
  ListUsersQuery,
  UserCompanyParams,
  UserParams,
  UserRoleParams,
} from "./schemas.ts";
import { grantRole, linkCompany, listUsers, revokeRole, unlinkCompany } from "./service.ts";

const tags = ["users"];
const userAnswer = (description: string) => json(AdminUserSchema, description);

const list = createRoute({
  method: "get",
  path: "/users",
  tags,
  security,
  summary: "Users with their roles and companies, newest first",
  request: { query: ListUsersQuery },
  responses: {
    200: json(AdminUserListSchema, "A page of users"),
    ...problems(401, 403, 422, 503),
  },
});

const grant = createRoute({
  method: "post",
  path: "/users/{id}/roles",
  tags,
  security,
  summary: "Grant a role",
  request: {
    params: UserParams,
    body: { required: true, content: { "application/json": { schema: GrantRoleBody } } },
  },
  responses: {
    201: userAnswer("Granted"),
    200: userAnswer("Already held; nothing changed"),
    ...problems(401, 403, [404, "No such user"], 422, 503),
  },
});

const revoke = createRoute({
  method: "delete",
  path: "/users/{id}/roles/{role}",
  tags,
  security,
  summary: "Revoke a role",
  request: { params: UserRoleParams },
  responses: {
    204: { description: "Revoked" },
    ...problems(
      401,
      403,
      [404, "No such user, or the role is not held"],
      [409, "It would leave no active admin"],
      422,
      503,
    ),
  },
});

const link = createRoute({
  method: "post",
  path: "/users/{id}/companies",
  tags,
  security,
  summary: "Link the user to a company (a cliente sees only its companies' rows)",
  request: {
    params: UserParams,
    body: { required: true, content: { "application/json": { schema: LinkCompanyBody } } },
  },
  responses: {
    201: userAnswer("Linked"),
    200: userAnswer("Already linked; nothing changed"),
    ...problems(401, 403, [404, "No such user"], [422, "Invalid body, or no such company"], 503),
  },
});

const unlink = createRoute({
  method: "delete",
  path: "/users/{id}/companies/{company_id}",
  tags,
  security,
  summary: "Remove the user's link to a company",
  request: { params: UserCompanyParams },
  responses: {
    204: { description: "Unlinked" },
    ...problems(401, 403, [404, "Not linked"], 422, 503),
  },
});

export function usersRoutes(deps: Deps) {
  const app = createRouter();
  const ctx = authContext(deps);

  app.openapi(list, async (c) => c.json(await listUsers(ctx.db, c.req.valid("query")), 200));

  app.openapi(grant, async (c) => {
    const { user, created } = await grantRole(
      ctx,
      requestActor(c, deps),
      c.req.valid("param").id,
      c.req.valid("json").role,
    );
    return created ? c.json(user, 201) : c.json(user, 200);
  });

  app.openapi(revoke, async (c) => {
    const { id, role } = c.req.valid("param");
    await revokeRole(ctx, requestActor(c, deps), id, role);
    return c.body(null, 204);
  });

  app.openapi(link, async (c) => {
    const { user, created } = await linkCompany(
      ctx,
      requestActor(c, deps),
      c.req.valid("param").id,
      c.req.valid("json").company_id,
    );
    return created ? c.json(user, 201) : c.json(user, 200);
  });

  app.openapi(unlink, async (c) => {
    const { id, company_id } = c.req.valid("param");
    await unlinkCompany(ctx, requestActor(c, deps), id, company_id);
    return c.body(null, 204);
  });

  return app;
}
