-- Files attached to records. An upload is first an intent (file_uploads: what the signed PUT URL
-- allows, until it expires); completing it checks the object and turns the intent into a files
-- row in one transaction, so an upload that never completes leaves no files row. A deleted file
-- keeps its row (deleted_at) until the sweep removes the object (purged_at).
CREATE TABLE file_uploads (
  id            uuid PRIMARY KEY,
  bucket        text NOT NULL,
  key           text NOT NULL,
  filename      text NOT NULL,
  content_type  text NOT NULL,
  size          bigint NOT NULL CHECK (size >= 0),
  sha256        text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  entity_type   text NOT NULL,
  entity_id     uuid NOT NULL,
  created_by    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX file_uploads_object ON file_uploads (bucket, key);
CREATE INDEX file_uploads_expires ON file_uploads (expires_at);

CREATE TABLE files (
  id            uuid PRIMARY KEY,
  bucket        text NOT NULL,
  key           text NOT NULL,
  filename      text NOT NULL,
  size          bigint NOT NULL CHECK (size >= 0),
  content_type  text NOT NULL,
  sha256        text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  entity_type   text NOT NULL,
  entity_id     uuid NOT NULL,
  uploaded_by   uuid REFERENCES users(id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  deleted_at    timestamptz,
  purged_at     timestamptz,
  CHECK (purged_at IS NULL OR deleted_at IS NOT NULL)
);
-- One live row per object; a purged row is history and frees its key.
CREATE UNIQUE INDEX files_object ON files (bucket, key) WHERE purged_at IS NULL;
CREATE INDEX files_entity ON files (entity_type, entity_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX files_to_purge ON files (deleted_at) WHERE deleted_at IS NOT NULL AND purged_at IS NULL;
