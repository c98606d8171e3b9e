/**
 * The files routes' slice of the permission table. They are "user" routes: the permission that
 * applies is the one of the entity a file attaches to, checked by the service (entities.ts).
 * Public avatars are the one anonymous read.
 *
 * @module
 */
import type { PermissionTable } from "../http/route_permissions.ts";

export const FILES_PERMISSIONS: PermissionTable = {
  "POST /api/v1/files/uploads": "user",
  "POST /api/v1/files/uploads/:id/complete": "user",
  "PUT /api/v1/files/:bucket/:entity_type/:entity_id/:filename": "user",
  "GET /api/v1/files": "user",
  "GET /api/v1/files/:id": "user",
  "GET /api/v1/files/:id/download": "user",
  "DELETE /api/v1/files/:id": "user",
  "GET /api/v1/files/avatars/users/:user_id/:filename": "public",
};
