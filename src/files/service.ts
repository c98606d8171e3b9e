/**
 * Files attached to records: upload intents behind signed PUT URLs, completion that checks the
 * object (size, type, sha256) before a `files` row exists, direct streamed uploads, reads through
 * signed GET URLs, and soft deletes. Every change is audited in its transaction; the object is
 * never held in memory, only streamed and hashed.
 *
 * @module
 */
import { createSHA256 } from "hash-wasm";
import { type AuditActor, recordAudit } from "../audit/record.ts";
import type { Principal } from "../auth/mod.ts";
import { notFound, unprocessable } from "../errors.ts";
import type { Deps } from "../http/types.ts";
import type { KeysetPosition } from "../shared/keyset_cursor.ts";
import { hasLocalSigning } from "../stores/objects/capabilities.ts";
import type { Queryable } from "../stores/relational/port.ts";
import { encodeKeyPath } from "../stores/objects/keys.ts";
import { assertEntityAccess, companyScope } from "./entities.ts";
import { fileTooLarge, typeNotAccepted } from "./errors.ts";
import { type BucketPolicy, bucketPolicy, mediaEssence, typeAllowed } from "./limits.ts";
import { objectKey, sanitizeFilename, withSuffix } from "./names.ts";
import * as repo from "./repository.ts";

export type FilesDeps = Pick<Deps, "stores" | "config" | "now" | "log">;

/** Where the API serves public avatars when the objects store is a folder. */
export const PUBLIC_AVATAR_PATH = "/api/v1/files/avatars";

export interface UploadRequest {
  bucket: string;
  entity_type: string;
  entity_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256?: string;
}

/** The bucket's policy, refusing a bucket the API does not write to, a type or a size. */
function admit(deps: FilesDeps, bucket: string, contentType: string, size?: number): BucketPolicy {
  const policy = bucketPolicy(deps.config, bucket);
  if (policy === null) {
    throw unprocessable("Files cannot be uploaded to this bucket", [
      { path: "bucket", message: `${bucket} is not an upload bucket` },
    ]);
  }
  if (!typeAllowed(policy.types, contentType)) throw typeNotAccepted(bucket, policy.types);
  if (size !== undefined && size > policy.maxBytes) throw fileTooLarge(policy.maxBytes);
  return policy;
}

/** A free key for the file: the plain name, or the name with the file id's start. */
async function freeKey(deps: FilesDeps, id: string, req: UploadRequest): Promise<[string, string]> {
  const filename = sanitizeFilename(req.filename);
  const key = objectKey(deps.now(), req.entity_type, req.entity_id, filename);
  if (!(await repo.keyTaken(deps.stores.relational, req.bucket, key))) return [filename, key];
  const other = withSuffix(filename, id.slice(0, 8));
  return [other, objectKey(deps.now(), req.entity_type, req.entity_id, other)];
}

/** Checks the caller may attach to the entity, records the intent, and signs a PUT URL. */
export async function createUpload(
  deps: FilesDeps,
  principal: Principal,
  actor: AuditActor,
  req: UploadRequest,
) {
  admit(deps, req.bucket, req.content_type, req.size);
  const db = deps.stores.relational;
  await assertEntityAccess(db, principal, req.entity_type, req.entity_id, "update", req.bucket);
  const id = crypto.randomUUID();
  const [filename, key] = await freeKey(deps, id, req);
  const ttl = deps.config.files.urlTtlSeconds;
  const expiresAt = new Date(deps.now() + ttl * 1000);
  const url = await deps.stores.objects.signedPutUrl(req.bucket, key, ttl, {
    contentType: req.content_type,
    maxSize: req.size,
  });
  const row: repo.UploadRow = {
    id,
    bucket: req.bucket,
    key,
    filename,
    content_type: req.content_type,
    size: req.size,
    sha256: req.sha256?.toLowerCase() ?? null,
    entity_type: req.entity_type,
    entity_id: req.entity_id,
    created_by: principal.userId,
    expires_at: expiresAt,
  };
  await db.transaction(async (tx) => {
    await repo.insertUpload(tx, row);
    await recordAudit(tx, actor, {
      action: "file.upload_started",
      resourceType: "file_uploads",
      resourceId: id,
      newValues: { ...row, expires_at: expiresAt.toISOString() },
    });
  });
  return {
    id,
    bucket: req.bucket,
    key,
    method: "PUT" as const,
    url,
    headers: { "Content-Type": req.content_type },
    expires_at: expiresAt.toISOString(),
  };
}

/** Streams an object through SHA-256; the bytes are never kept. */
async function sha256Of(deps: FilesDeps, bucket: string, key: string): Promise<string> {
  const { body } = await deps.stores.objects.get(bucket, key);
  const hash = await createSHA256();
  hash.init();
  for await (const chunk of body) hash.update(chunk);
  return hash.digest("hex");
}

/**
 * Verifies the uploaded object against its intent and records the file. A mismatch removes the
 * object and the intent (422); a missing object leaves the intent until it expires.
 */
export async function completeUpload(
  deps: FilesDeps,
  principal: Principal,
  actor: AuditActor,
  id: string,
) {
  const db = deps.stores.relational;
  const objects = deps.stores.objects;
  const upload = await repo.takeUpload(db, id);
  if (upload === null || upload.created_by !== principal.userId) {
    throw notFound(`No pending upload ${id}`);
  }
  const info = await objects.stat(upload.bucket, upload.key);
  if (info === null) {
    throw unprocessable("Nothing was uploaded to the signed URL yet", [
      { path: "id", message: "no object at the upload's key" },
    ]);
  }
  const refuse = async (path: string, message: string) => {
    await objects.remove(upload.bucket, upload.key);
    await repo.deleteUpload(db, id);
    return unprocessable("The uploaded object does not match the upload", [{ path, message }]);
  };
  if (info.size !== upload.size) {
    throw await refuse("size", `declared ${upload.size} bytes, uploaded ${info.size}`);
  }
  if (mediaEssence(info.content_type) !== mediaEssence(upload.content_type)) {
    throw await refuse("content_type", `declared ${upload.content_type}, got ${info.content_type}`);
  }
  const sha256 = await sha256Of(deps, upload.bucket, upload.key);
  if (upload.sha256 !== null && sha256 !== upload.sha256) {
    throw await refuse("sha256", "the uploaded bytes have another SHA-256");
  }
  return await db.transaction(async (tx) => {
    if ((await repo.takeUpload(tx, id)) === null) throw notFound(`No pending upload ${id}`);
    const file = await recordFile(tx, actor, {
      id,
      bucket: upload.bucket,
      key: upload.key,
      filename: upload.filename,
      size: info.size,
      content_type: upload.content_type,
      sha256,
      entity_type: upload.entity_type,
      entity_id: upload.entity_id,
      uploaded_by: principal.userId,
    });
    await repo.deleteUpload(tx, id);
    return file;
  });
}

/** Inserts the `files` row and its `file.create` audit row (in the caller's transaction). */
async function recordFile(tx: Queryable, actor: AuditActor, file: repo.NewFile) {
  const row = await repo.insertFile(tx, file);
  await recordAudit(tx, actor, {
    action: "file.create",
    resourceType: "files",
    resourceId: file.id,
    newValues: publicFile(row),
  });
  return publicFile(row);
}

export interface DirectUpload {
  bucket: string;
  entity_type: string;
  entity_id: string;
  filename: string;
  content_type: string;
  /** Content-Length when the client sent one. */
  length: number | undefined;
  body: ReadableStream<Uint8Array>;
}

/** Thrown inside the upload stream when it passes the limit. */
class OverLimit extends Error {}

/** Streams a small file straight into its bucket, hashing on the way, and records it. */
export async function directUpload(
  deps: FilesDeps,
  principal: Principal,
  actor: AuditActor,
  req: DirectUpload,
) {
  const policy = admit(deps, req.bucket, req.content_type);
  const max = Math.min(policy.maxBytes, deps.config.files.directMaxBytes);
  if (req.length !== undefined && req.length > max) throw fileTooLarge(max);
  const db = deps.stores.relational;
  await assertEntityAccess(db, principal, req.entity_type, req.entity_id, "update", req.bucket);
  const id = crypto.randomUUID();
  const [filename, key] = await freeKey(deps, id, { ...req, size: 0 });
  const hash = await createSHA256();
  hash.init();
  let seen = 0;
  const counted = req.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, ctl) {
        seen += chunk.length;
        if (seen > max) return ctl.error(new OverLimit());
        hash.update(chunk);
        ctl.enqueue(chunk);
      },
    }),
  );
  let info;
  try {
    info = await deps.stores.objects.put(req.bucket, key, counted, {
      contentType: req.content_type,
      ...(req.length !== undefined ? { size: req.length } : {}),
    });
  } catch (err) {
    if (err instanceof OverLimit) throw fileTooLarge(max);
    throw err;
  }
  try {
    return await db.transaction((tx) =>
      recordFile(tx, actor, {
        id,
        bucket: req.bucket,
        key,
        filename,
        size: info.size,
        content_type: req.content_type,
        sha256: hash.digest("hex"),
        entity_type: req.entity_type,
        entity_id: req.entity_id,
        uploaded_by: principal.userId,
      })
    );
  } catch (err) {
    // No row, so no object either: it would only be an orphan.
    await deps.stores.objects.remove(req.bucket, key).catch(() => false);
    throw err;
  }
}

/** A live file the caller may `read` (or `update`), else 404/403. */
export async function reachableFile(
  deps: FilesDeps,
  principal: Principal,
  id: string,
  action: "read" | "update",
): Promise<repo.FileRow> {
  const row = await repo.findFile(deps.stores.relational, id);
  if (row === null) throw notFound(`No file ${id}`);
  await assertEntityAccess(
    deps.stores.relational,
    principal,
    row.entity_type,
    row.entity_id,
    action,
    row.bucket,
  );
  return row;
}

export async function listFiles(
  deps: FilesDeps,
  principal: Principal,
  q: { entity_type: string; entity_id: string; limit: number },
  after: KeysetPosition | null,
) {
  const db = deps.stores.relational;
  const scoped = companyScope(principal) !== null;
  // A company-scoped caller's reach is checked against the buckets it may read at all.
  await assertEntityAccess(
    db,
    principal,
    q.entity_type,
    q.entity_id,
    "read",
    q.entity_type === "user" ? "avatars" : scoped ? "contracts" : "content",
  );
  const rows = await repo.listFiles(
    db,
    q.entity_type,
    q.entity_id,
    scoped ? ["contracts", "receipts"] : null,
    q.limit,
    after,
  );
  return rows;
}

/** Where to fetch the file: a signed GET URL, or the public URL of an avatar. */
export async function downloadUrl(deps: FilesDeps, row: repo.FileRow): Promise<string> {
  if (row.bucket === "avatars") {
    const objects = deps.stores.objects;
    if (hasLocalSigning(objects) || deps.config.files.publicObjectsUrl === undefined) {
      return `${deps.config.publicUrl}${PUBLIC_AVATAR_PATH}/${encodeKeyPath(row.key)}`;
    }
    return `${deps.config.files.publicObjectsUrl}/avatars/${encodeKeyPath(row.key)}`;
  }
  return await deps.stores.objects.signedGetUrl(
    row.bucket,
    row.key,
    deps.config.files.urlTtlSeconds,
  );
}

export async function deleteFile(
  deps: FilesDeps,
  principal: Principal,
  actor: AuditActor,
  id: string,
): Promise<void> {
  const row = await reachableFile(deps, principal, id, "update");
  await deps.stores.relational.transaction(async (tx) => {
    await repo.softDeleteFile(tx, id, new Date(deps.now()));
    await recordAudit(tx, actor, {
      action: "file.delete",
      resourceType: "files",
      resourceId: id,
      oldValues: publicFile(row),
    });
  });
}

/** The row as the API shows it. */
export function publicFile(row: repo.FileRow) {
  return {
    id: row.id,
    bucket: row.bucket,
    key: row.key,
    filename: row.filename,
    size: row.size,
    content_type: row.content_type,
    sha256: row.sha256,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    uploaded_by: row.uploaded_by,
    created_at: new Date(row.created_at).toISOString(),
  };
}
