/**
 * POST /notifications/{id}/read: the caller marks one of their own notifications read, the same
 * change as PATCH {"is_read": true}, audited like any update.
 *
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv, Deps } from "../http/types.ts";
import type { RoutePermission } from "../http/route_permissions.ts";
import { updateRow } from "./engine/mutate.ts";
import { jsonText } from "../http/json_text.ts";
import type { Row } from "../stores/relational/port.ts";
import { problems, security } from "../shared/openapi.ts";
import { itemParams, RowHeaders } from "./openapi_common.ts";
import { honoPath, itemPath } from "./paths.ts";
import { notifications } from "./registry/mod.ts";
import { writeContext } from "./routes_factory.ts";

const path = `${itemPath(notifications)}/read`;

/** Permission entry of the mark-read route: any signed-in user, on their own notifications. */
export const MARK_READ_PERMISSION: Record<string, RoutePermission> = {
  [`POST ${honoPath(path)}`]: "user",
};

const markRead = createRoute({
  method: "post",
  path,
  tags: [notifications.tag],
  security,
  summary: "Mark one of your notifications read",
  request: { params: itemParams(notifications) },
  responses: {
    200: {
      description: "The notification, now read",
      headers: RowHeaders,
      content: { "application/json": { schema: notifications.rowSchema } },
    },
    ...problems(401, 404, 422),
  },
});

/** Registers the mark-read route on `app`. */
export function registerMarkRead(app: OpenAPIHono<AppEnv>, deps: Deps): void {
  app.openapi(markRead, async (c) => {
    const { id } = c.req.valid("param");
    const { json, etag } = await updateRow(
      writeContext(c, deps),
      notifications,
      id,
      { is_read: true },
      c.req.header("If-Match"),
    );
    c.header("ETag", etag);
    // The row's JSON as the generic routes answer it (engine/mutate.ts).
    return jsonText<Row, 200>(c, json, 200);
  });
}
