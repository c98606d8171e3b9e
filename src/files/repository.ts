/**
 * SQL over `file_uploads` (intents behind a signed PUT URL) and `files` (completed uploads).
 *
 * @module
 */
import type { KeysetPosition } from "../shared/keyset_cursor.ts";
import { cursorTs } from "../shared/keyset_cursor.ts";
import type { Queryable } from "../stores/relational/port.ts";

export type UploadRow = {
  id: string;
  bucket: string;
  key: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string | null;
  entity_type: string;
  entity_id: string;
  created_by: string;
  expires_at: Date;
};

export type FileRow = {
  id: string;
  bucket: string;
  key: string;
  filename: string;
  size: number;
  content_type: string;
  sha256: string;
  entity_type: string;
  entity_id: string;
  uploaded_by: string | null;
  created_at: Date;
  deleted_at: Date | null;
  cursor_ts: string;
};

const FILE_COLUMNS = `id, bucket, key, filename, size::float8 as size, content_type, sha256,
  entity_type, entity_id, uploaded_by, created_at, deleted_at, ${
  cursorTs("created_at")
} as cursor_ts`;
const UPLOAD_COLUMNS = `id, bucket, key, filename, content_type, size::float8 as size, sha256,
  entity_type, entity_id, created_by, expires_at`;

/** True when a live file or a pending upload already uses the key. */
export async function keyTaken(db: Queryable, bucket: string, key: string): Promise<boolean> {
  const r = await db.query(
    `select 1 from files where bucket = $1 and key = $2 and purged_at is null
     union all select 1 from file_uploads where bucket = $1 and key = $2`,
    [bucket, key],
  );
  return r.rowCount > 0;
}

export async function insertUpload(db: Queryable, u: UploadRow): Promise<void> {
  await db.query(
    `insert into file_uploads (id, bucket, key, filename, content_type, size, sha256, entity_type,
       entity_id, created_by, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      u.id,
      u.bucket,
      u.key,
      u.filename,
      u.content_type,
      u.size,
      u.sha256,
      u.entity_type,
      u.entity_id,
      u.created_by,
      u.expires_at,
    ],
  );
}

/** The pending upload, locked for the completing transaction. */
export async function takeUpload(db: Queryable, id: string): Promise<UploadRow | null> {
  const r = await db.query<UploadRow>(
    `select ${UPLOAD_COLUMNS} from file_uploads where id = $1 for update`,
    [id],
  );
  return r.rows[0] ?? null;
}

export async function deleteUpload(db: Queryable, id: string): Promise<void> {
  await db.query("delete from file_uploads where id = $1", [id]);
}

/** A `files` row to insert: what the database fills in is left out; the uploader is known. */
export type NewFile = Omit<FileRow, "uploaded_by" | "created_at" | "deleted_at" | "cursor_ts"> & {
  uploaded_by: string;
};

export async function insertFile(db: Queryable, f: NewFile): Promise<FileRow> {
  const r = await db.query<FileRow>(
    `insert into files (id, bucket, key, filename, size, content_type, sha256, entity_type,
       entity_id, uploaded_by)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     returning ${FILE_COLUMNS}`,
    [
      f.id,
      f.bucket,
      f.key,
      f.filename,
      f.size,
      f.content_type,
      f.sha256,
      f.entity_type,
      f.entity_id,
      f.uploaded_by,
    ],
  );
  return r.rows[0];
}

export async function findFile(db: Queryable, id: string): Promise<FileRow | null> {
  const r = await db.query<FileRow>(
    `select ${FILE_COLUMNS} from files where id = $1 and deleted_at is null`,
    [id],
  );
  return r.rows[0] ?? null;
}

export async function listFiles(
  db: Queryable,
  entityType: string,
  entityId: string,
  buckets: readonly string[] | null,
  limit: number,
  after: KeysetPosition | null,
): Promise<FileRow[]> {
  const r = await db.query<FileRow>(
    `select ${FILE_COLUMNS} from files
      where entity_type = $1 and entity_id = $2 and deleted_at is null
        and ($3::text[] is null or bucket = any($3::text[]))
        and ($4::timestamptz is null or (created_at, id) < ($4::timestamptz, $5::uuid))
      order by created_at desc, id desc
      limit $6`,
    [entityType, entityId, buckets, after?.ts ?? null, after?.id ?? null, limit + 1],
  );
  return r.rows;
}

export async function softDeleteFile(db: Queryable, id: string, at: Date): Promise<void> {
  await db.query("update files set deleted_at = $2 where id = $1 and deleted_at is null", [id, at]);
}
