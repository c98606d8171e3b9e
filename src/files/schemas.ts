/**
 * The files API's request and response shapes (zod, with OpenAPI names).
 *
 * @module
 */
import { z } from "@hono/zod-openapi";
import { PageQuery } from "../shared/openapi.ts";
import { ENTITY_TYPES } from "./entities.ts";
import { uploadBuckets } from "./limits.ts";

/** Only the buckets the files API writes to (their set is fixed; config tunes their limits). */
const Bucket = z.enum(uploadBuckets() as [string, ...string[]]).openapi({ example: "contracts" });
const EntityType = z.enum(ENTITY_TYPES).openapi({ example: "contract" });
const ContentType = z.string().min(3).max(255)
  // No flags: the document carries the source only, and "/i" there would match nothing.
  .regex(
    /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+([ \t]*;[^\r\n]*)?$/,
    "must look like type/subtype",
  )
  .openapi({ example: "application/pdf" });

export const UploadCreateSchema = z.strictObject({
  bucket: Bucket,
  entity_type: EntityType,
  entity_id: z.uuid(),
  filename: z.string().min(1).max(255).openapi({ example: "contrato_001.pdf" }),
  content_type: ContentType,
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  sha256: z.string().regex(/^[0-9a-fA-F]{64}$/).optional()
    .openapi({ description: "When given, completion refuses other bytes" }),
}).openapi("FileUploadCreate");

export const UploadTicketSchema = z.object({
  id: z.uuid(),
  bucket: z.string(),
  key: z.string(),
  method: z.literal("PUT"),
  url: z.string(),
  headers: z.record(z.string(), z.string()),
  expires_at: z.string(),
}).openapi("FileUploadTicket");

export const FileSchema = z.object({
  id: z.uuid(),
  bucket: z.string(),
  key: z.string(),
  filename: z.string(),
  size: z.number().int(),
  content_type: z.string(),
  sha256: z.string(),
  entity_type: z.string(),
  entity_id: z.uuid(),
  uploaded_by: z.uuid().nullable(),
  created_at: z.string(),
}).openapi("File");

export const FileListSchema = z.object({
  items: z.array(FileSchema),
  next_cursor: z.string().nullable(),
}).openapi("FileList");

export const FileListQuery = z.strictObject({
  entity_type: EntityType,
  entity_id: z.uuid(),
  ...PageQuery,
});

export const DirectUploadParams = z.object({
  bucket: Bucket.openapi({ param: { name: "bucket", in: "path" } }),
  entity_type: EntityType.openapi({ param: { name: "entity_type", in: "path" } }),
  entity_id: z.uuid().openapi({ param: { name: "entity_id", in: "path" } }),
  filename: z.string().min(1).max(255).openapi({ param: { name: "filename", in: "path" } }),
});

export const AvatarParams = z.object({
  user_id: z.uuid().openapi({ param: { name: "user_id", in: "path" } }),
  filename: z.string().min(1).max(255).openapi({ param: { name: "filename", in: "path" } }),
});
