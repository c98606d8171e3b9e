/**
 * Request and response shapes of the auth routes (zod, also the OpenAPI document).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "./passwords/passwords.ts";
import { isCommonPassword } from "../shared/common_passwords.ts";
import { emailString, trimmedText } from "../shared/openapi.ts";

const email = emailString(255).openapi({ example: "ana@example.com" });
const newPassword = z.string().min(PASSWORD_MIN_LENGTH).max(PASSWORD_MAX_LENGTH)
  .refine((p) => !isCommonPassword(p), "is one of the most common passwords; choose another");
// Login takes any string up to the cap: a format rule would answer differently from a wrong
// password, and old accounts may predate today's length rule.
const anyPassword = z.string().min(1).max(PASSWORD_MAX_LENGTH);

export const RegisterBody = z.strictObject({
  email,
  password: newPassword,
  full_name: trimmedText(255),
}).openapi("RegisterRequest");

export const LoginJson = z.strictObject({
  email: trimmedText(255),
  password: anyPassword,
}).openapi("LoginRequest");

/**
 * The OAuth2 password grant (RFC 6749 section 4.3); client fields are accepted and unused, and
 * other parameters are ignored, as section 3.2 requires of a token endpoint.
 */
export const LoginForm = z.object({
  username: trimmedText(255),
  password: anyPassword,
  grant_type: z.literal("password").optional(),
  scope: z.string().max(500).optional(),
  client_id: z.string().max(255).optional(),
  client_secret: z.string().max(255).optional(),
}).openapi("LoginForm");

const refreshToken = z.string().min(1).max(200);

export const RefreshJson = z.strictObject({ refresh_token: refreshToken }).openapi(
  "RefreshRequest",
);

/** The OAuth2 refresh grant (RFC 6749 section 6); unknown parameters are ignored (3.2). */
export const RefreshForm = z.object({
  grant_type: z.literal("refresh_token"),
  refresh_token: refreshToken,
  scope: z.string().max(500).optional(),
  client_id: z.string().max(255).optional(),
  client_secret: z.string().max(255).optional(),
}).openapi("RefreshForm");

export const PasswordChangeBody = z.strictObject({
  current_password: anyPassword,
  new_password: newPassword,
}).openapi("PasswordChangeRequest");

export const TokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int().openapi({ example: 900 }),
}).openapi("TokenPair");

export const UserProfileSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  full_name: z.string(),
  phone: z.string().nullable(),
  avatar_url: z.string().nullable(),
  is_active: z.boolean(),
  is_verified: z.boolean(),
  last_login_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
}).openapi("UserProfile");

export const RegisteredSchema = UserProfileSchema.extend({
  roles: z.array(z.string()),
}).openapi("RegisteredUser");

export const MeSchema = UserProfileSchema.extend({
  roles: z.array(z.string()),
  permissions: z.record(z.string(), z.union([z.boolean(), z.record(z.string(), z.boolean())])),
  company_ids: z.array(z.uuid()),
}).openapi("Me");

export const SessionSchema = z.object({
  id: z.uuid(),
  created_at: z.string(),
  last_used_at: z.string(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  current: z.boolean(),
}).openapi("Session");

export const SessionListSchema = z.object({
  items: z.array(SessionSchema),
  next_cursor: z.null(),
}).openapi("SessionList");

export const SessionParams = z.object({
  id: z.uuid().openapi({ param: { name: "id", in: "path" } }),
});
