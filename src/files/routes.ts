/**
 * The files routes: upload by signed URL (intent, then completion), direct streamed upload for
 * small files, list and read per entity, download by redirect, soft delete, public avatars.
 * Handlers validate, call the service, answer.
 *
 * @module
 */
import { createRoute, z } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { badRequest, notFound } from "../errors.ts";
import { principalOf } from "../http/guard.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { decodeCursor, encodeCursor } from "../shared/keyset_cursor.ts";
import { json, problems, security, UuidParam } from "../shared/openapi.ts";
import { isStoreError } from "../stores/errors.ts";
import {
  AvatarParams,
  DirectUploadParams,
  FileListQuery,
  FileListSchema,
  FileSchema,
  UploadCreateSchema,
  UploadTicketSchema,
} from "./schemas.ts";
import {
  completeUpload,
  createUpload,
  deleteFile,
  directUpload,
  downloadUrl,
  listFiles,
  publicFile,
  reachableFile,
} from "./service.ts";

const tags = ["files"];

const createUploadRoute = createRoute({
  method: "post",
  path: "/files/uploads",
  tags,
  summary: "Start an upload: a signed PUT URL for a file attached to an entity",
  security,
  request: {
    body: { required: true, content: { "application/json": { schema: UploadCreateSchema } } },
  },
  responses: {
    201: json(UploadTicketSchema, "PUT the bytes to `url` with `headers`, then complete"),
    ...problems(401, 403, 404, 413, 415, 422, 503),
  },
});
const completeRoute = createRoute({
  method: "post",
  path: "/files/uploads/{id}/complete",
  tags,
  summary: "Verify the uploaded object (size, type, sha256) and record the file",
  security,
  request: { params: UuidParam },
  responses: { 201: json(FileSchema, "Recorded"), ...problems(401, 403, 404, 422, 503) },
});
const directRoute = createRoute({
  method: "put",
  path: "/files/{bucket}/{entity_type}/{entity_id}/{filename}",
  tags,
  summary: "Upload a small file in the request body (streamed; Content-Type is its type)",
  security,
  request: { params: DirectUploadParams },
  responses: {
    201: json(FileSchema, "Stored and recorded"),
    ...problems(400, 401, 403, 404, 413, 415, 422, 503),
  },
});
const listRoute = createRoute({
  method: "get",
  path: "/files",
  tags,
  summary: "Files attached to one entity, newest first",
  security,
  request: { query: FileListQuery },
  responses: { 200: json(FileListSchema, "A page"), ...problems(401, 403, 404, 422, 503) },
});
const readRoute = createRoute({
  method: "get",
  path: "/files/{id}",
  tags,
  summary: "A file's metadata",
  security,
  request: { params: UuidParam },
  responses: { 200: json(FileSchema, "The file"), ...problems(401, 403, 404, 422, 503) },
});
const downloadRoute = createRoute({
  method: "get",
  path: "/files/{id}/download",
  tags,
  summary: "Redirect to a signed GET URL (or an avatar's public URL)",
  description: "With `Accept: application/json` the URL comes back as JSON instead of a 302.",
  security,
  request: { params: UuidParam },
  responses: {
    200: json(z.object({ url: z.string() }).openapi("FileDownload"), "The URL, when asked"),
    302: { description: "Location is where to fetch the bytes" },
    ...problems(401, 403, 404, 422, 503),
  },
});
const deleteRoute = createRoute({
  method: "delete",
  path: "/files/{id}",
  tags,
  summary: "Delete a file (the object is removed by the next sweep)",
  security,
  request: { params: UuidParam },
  responses: { 204: { description: "Deleted" }, ...problems(401, 403, 404, 422, 503) },
});
const avatarRoute = createRoute({
  method: "get",
  path: "/files/avatars/users/{user_id}/{filename}",
  tags,
  summary: "A public avatar (served by the API when objects live in a folder)",
  request: { params: AvatarParams },
  responses: {
    200: { description: "The picture", content: { "image/*": { schema: z.any() } } },
    ...problems(404, 422),
  },
});

export function filesRoutes(deps: Deps) {
  const app = createRouter();

  app.openapi(createUploadRoute, async (c) => {
    const ticket = await createUpload(
      deps,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("json"),
    );
    return c.json(ticket, 201);
  });

  app.openapi(completeRoute, async (c) => {
    const file = await completeUpload(
      deps,
      principalOf(c),
      requestActor(c, deps),
      c.req.valid("param").id,
    );
    return c.json(file, 201, { Location: `/api/v1/files/${file.id}` });
  });

  app.openapi(directRoute, async (c) => {
    const p = c.req.valid("param");
    const declared = c.req.header("Content-Length");
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && !(Number.isSafeInteger(length) && length >= 0)) {
      throw badRequest("Bad Content-Length");
    }
    const file = await directUpload(deps, principalOf(c), requestActor(c, deps), {
      ...p,
      content_type: c.req.header("Content-Type")?.trim() || "application/octet-stream",
      length,
      body: c.req.raw.body ?? new ReadableStream({ start: (ctl) => ctl.close() }),
    });
    return c.json(file, 201, { Location: `/api/v1/files/${file.id}` });
  });

  app.openapi(listRoute, async (c) => {
    const q = c.req.valid("query");
    const rows = await listFiles(deps, principalOf(c), q, decodeCursor(q.cursor));
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const next = rows.length > q.limit && last
      ? encodeCursor({ ts: last.cursor_ts, id: last.id })
      : null;
    return c.json({ items: page.map(publicFile), next_cursor: next }, 200);
  });

  app.openapi(readRoute, async (c) => {
    const row = await reachableFile(deps, principalOf(c), c.req.valid("param").id, "read");
    return c.json(publicFile(row), 200);
  });

  app.openapi(downloadRoute, async (c) => {
    const row = await reachableFile(deps, principalOf(c), c.req.valid("param").id, "read");
    const url = await downloadUrl(deps, row);
    if (c.req.header("Accept")?.includes("application/json")) return c.json({ url }, 200);
    return c.body(null, 302, { Location: url, "Cache-Control": "private, no-store" });
  });

  app.openapi(deleteRoute, async (c) => {
    await deleteFile(deps, principalOf(c), requestActor(c, deps), c.req.valid("param").id);
    return c.body(null, 204);
  });

  app.openapi(avatarRoute, async (c) => {
    const { user_id, filename } = c.req.valid("param");
    let object;
    try {
      object = await deps.stores.objects.get("avatars", `users/${user_id}/${filename}`);
    } catch (err) {
      if (isStoreError(err, "not_found", "invalid")) throw notFound("No such avatar");
      throw err;
    }
    const { info, body } = object;
    return new Response(body, {
      headers: {
        "Content-Type": info.content_type,
        "Content-Length": String(info.size),
        "ETag": `"${info.etag}"`,
        "Cache-Control": "public, max-age=300",
        "X-Content-Type-Options": "nosniff",
      },
    }) as never;
  });

  return app;
}
