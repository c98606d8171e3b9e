-- The ops catalogue: one row per backup run (progress while it runs, the manifest's checksum when
-- done) and one per partition upkeep run (what it did or why it failed). The backup files
-- themselves live in the `backups` bucket; these rows are how list, status and /ready see them.
CREATE TABLE backup_runs (
  id               uuid PRIMARY KEY,
  state            text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  prefix           text NOT NULL,
  started_at       timestamptz NOT NULL,
  finished_at      timestamptz,
  size_bytes       bigint NOT NULL DEFAULT 0,
  progress         jsonb NOT NULL DEFAULT '{}',
  manifest_sha256  text,
  error            text,
  created_by       uuid,
  -- Written as the run makes progress; a running row whose heartbeat is stale was abandoned by a
  -- dead instance and is marked failed by the next start.
  heartbeat_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX backup_runs_started_idx ON backup_runs (started_at DESC);
-- The cross-instance lock: at most one running backup, enforced by the database.
CREATE UNIQUE INDEX backup_runs_one_running ON backup_runs ((true)) WHERE state = 'running';

CREATE TABLE partition_runs (
  id           uuid PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('archive', 'ensure')),
  dry_run      boolean NOT NULL DEFAULT false,
  state        text NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  actions      jsonb NOT NULL DEFAULT '[]',
  error        text
);
CREATE INDEX partition_runs_started_idx ON partition_runs (started_at DESC);
