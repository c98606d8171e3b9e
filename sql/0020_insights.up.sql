-- The relational half of the insights domain. Insight documents live in the documents store; here
-- are what must survive restarts and be shared by every instance: the graph projection outbox and
-- its per-aggregate leases, the processing queue, relationships (the source of truth of the
-- RELATES_TO edges) and suggestion feedback.
CREATE TABLE insight_outbox (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  aggregate_type   text NOT NULL CHECK (aggregate_type IN ('insight', 'relationship')),
  aggregate_id     uuid NOT NULL,
  version          bigint NOT NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  processed_at     timestamptz,
  outcome          text CHECK (outcome IN ('applied', 'skipped', 'stale'))
);
CREATE INDEX idx_insight_outbox_pending ON insight_outbox (next_attempt_at, id)
  WHERE processed_at IS NULL;
CREATE INDEX idx_insight_outbox_aggregate ON insight_outbox (aggregate_id)
  WHERE processed_at IS NULL;
CREATE INDEX idx_insight_outbox_processed ON insight_outbox (processed_at)
  WHERE processed_at IS NOT NULL;

CREATE TABLE insight_projection_leases (
  aggregate_id  uuid PRIMARY KEY,
  owner         text NOT NULL,
  until         timestamptz NOT NULL
);

CREATE TABLE insight_jobs (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  insight_id       uuid NOT NULL,
  owner_id         uuid NOT NULL,
  status           text NOT NULL DEFAULT 'queued'
                   CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  lease_until      timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz
);
CREATE UNIQUE INDEX uq_insight_jobs_queued ON insight_jobs (insight_id) WHERE status = 'queued';
CREATE INDEX idx_insight_jobs_ready ON insight_jobs (next_attempt_at, id)
  WHERE status IN ('queued', 'running');
CREATE INDEX idx_insight_jobs_owner_finished ON insight_jobs (owner_id, finished_at)
  WHERE finished_at IS NOT NULL;

CREATE TABLE insight_relationships (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source_id   uuid NOT NULL,
  target_id   uuid NOT NULL CHECK (target_id <> source_id),
  owner_id    uuid NOT NULL,
  type        text NOT NULL CHECK (type ~ '^[a-z][a-z0-9_]{0,39}$'),
  strength    double precision NOT NULL CHECK (strength >= 0 AND strength <= 1),
  origin      text NOT NULL CHECK (origin IN ('auto', 'manual', 'suggestion')),
  version     bigint NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE UNIQUE INDEX uq_insight_relationships_pair ON insight_relationships (source_id, target_id)
  WHERE deleted_at IS NULL;
CREATE INDEX idx_insight_relationships_target ON insight_relationships (target_id)
  WHERE deleted_at IS NULL;
CREATE INDEX idx_insight_relationships_owner ON insight_relationships (owner_id)
  WHERE deleted_at IS NULL;

CREATE TABLE insight_suggestion_feedback (
  user_id     uuid NOT NULL,
  source_id   uuid NOT NULL,
  target_id   uuid NOT NULL,
  decision    text NOT NULL CHECK (decision IN ('accept', 'reject')),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, source_id, target_id)
);
