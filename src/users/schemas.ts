/**
 * Request and response shapes of the admin user routes.
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { ROLE_NAMES, UserProfileSchema } from "../auth/mod.ts";
import { PageQuery, trimmedText } from "../shared/openapi.ts";

const role = z.enum(ROLE_NAMES);

export const AdminUserSchema = UserProfileSchema.extend({
  roles: z.array(z.string()),
  company_ids: z.array(z.uuid()),
}).openapi("AdminUser");

export const AdminUserListSchema = z.object({
  items: z.array(AdminUserSchema),
  next_cursor: z.string().nullable(),
}).openapi("AdminUserList");

// Strict, as the CRM lists: an unknown parameter is a 422 naming it rather than silently ignored.
export const ListUsersQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: PageQuery.cursor,
  role: role.optional(),
  q: trimmedText(100).optional(),
});

export const UserParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});

export const UserRoleParams = UserParams.extend({
  role: role.openapi({ param: { name: "role", in: "path" } }),
});

export const UserCompanyParams = UserParams.extend({
  company_id: z.uuid().openapi({ param: { name: "company_id", in: "path" } }),
});

export const GrantRoleBody = z.strictObject({ role }).openapi("GrantRoleRequest");

export const LinkCompanyBody = z.strictObject({ company_id: z.uuid() }).openapi(
  "LinkCompanyRequest",
);
