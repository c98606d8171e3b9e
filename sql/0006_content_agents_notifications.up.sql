-- Content, agent logs, notifications and the audit trail. agent_logs and audit_logs are the two
-- high-volume tables, partitioned by month on created_at.

CREATE TABLE content_pieces (
  id              uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  title           varchar(255) NOT NULL,
  content_type    content_type NOT NULL,
  status          content_status NOT NULL DEFAULT 'draft',
  body            text NOT NULL,
  media_urls      text[] DEFAULT '{}',
  hashtags        text[] DEFAULT '{}',
  platform        varchar(50),
  scheduled_at    timestamptz,
  published_at    timestamptz,
  published_url   varchar(500),
  engagement_data jsonb DEFAULT '{}',
  seo_keywords    text[] DEFAULT '{}',
  generated_by    uuid REFERENCES agents (id),
  approved_by     uuid REFERENCES users (id),
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_content_pieces_type ON content_pieces (content_type);
CREATE INDEX idx_content_pieces_status ON content_pieces (status);
CREATE INDEX idx_content_pieces_scheduled ON content_pieces (scheduled_at)
  WHERE scheduled_at IS NOT NULL;
CREATE INDEX idx_content_pieces_platform ON content_pieces (platform);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON content_pieces
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE social_posts (
  id                 uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  content_piece_id   uuid NOT NULL REFERENCES content_pieces (id),
  platform           varchar(50) NOT NULL,
  platform_post_id   varchar(255),
  post_url           varchar(500),
  published_at       timestamptz,
  impressions        integer DEFAULT 0,
  reach              integer DEFAULT 0,
  likes              integer DEFAULT 0,
  comments           integer DEFAULT 0,
  shares             integer DEFAULT 0,
  clicks             integer DEFAULT 0,
  saves              integer DEFAULT 0,
  engagement_rate    decimal(5, 2) DEFAULT 0,
  metrics_updated_at timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_social_posts_content_piece ON social_posts (content_piece_id);
CREATE INDEX idx_social_posts_platform ON social_posts (platform);
CREATE INDEX idx_social_posts_published ON social_posts (published_at DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON social_posts
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- A unique constraint on a partitioned table must contain the partition key, so the key is
-- (id, created_at); id stays unique in practice because it is a random UUID.
CREATE TABLE agent_logs (
  id            uuid NOT NULL DEFAULT uuid_generate_v4(),
  agent_id      uuid NOT NULL REFERENCES agents (id),
  task_id       varchar(100),
  level         log_level NOT NULL DEFAULT 'info',
  action        varchar(100) NOT NULL,
  input_data    jsonb,
  output_data   jsonb,
  model_used    varchar(50),
  tokens_input  integer DEFAULT 0,
  tokens_output integer DEFAULT 0,
  cost          decimal(8, 4) DEFAULT 0,
  duration_ms   integer,
  success       boolean NOT NULL DEFAULT true,
  error_message text,
  metadata      jsonb DEFAULT '{}',
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

-- Declared on the parent so that every partition, present and future, gets them.
CREATE INDEX idx_agent_logs_agent_id ON agent_logs (agent_id);
CREATE INDEX idx_agent_logs_created_at ON agent_logs (created_at DESC);
CREATE INDEX idx_agent_logs_level ON agent_logs (level) WHERE level IN ('error', 'critical');
CREATE INDEX idx_agent_logs_action ON agent_logs (action);

-- Catches any row whose month has no partition yet, so an insert never fails for want of one.
CREATE TABLE agent_logs_default PARTITION OF agent_logs DEFAULT;

CREATE TABLE notifications (
  id         uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type       notification_type NOT NULL DEFAULT 'info',
  title      varchar(255) NOT NULL,
  message    text NOT NULL,
  action_url varchar(500),
  is_read    boolean DEFAULT false,
  read_at    timestamptz,
  metadata   jsonb DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Added: seed 004 puts notifications on its updated_at trigger list but gives it no such column.
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_notifications_user_id ON notifications (user_id);
CREATE INDEX idx_notifications_unread ON notifications (user_id, is_read) WHERE is_read = false;
CREATE INDEX idx_notifications_created_at ON notifications (created_at DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON notifications
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- The audit trail outlives the people and agents it names, hence ON DELETE SET NULL on both.
-- request_id ties a row to the HTTP request (X-Request-Id) that caused it.
CREATE TABLE audit_logs (
  id            uuid NOT NULL DEFAULT uuid_generate_v4(),
  user_id       uuid REFERENCES users (id) ON DELETE SET NULL,
  agent_id      uuid REFERENCES agents (id) ON DELETE SET NULL,
  action        varchar(100) NOT NULL,
  resource_type varchar(50) NOT NULL,
  resource_id   uuid,
  old_values    jsonb,
  new_values    jsonb,
  ip_address    inet,
  user_agent    varchar(500),
  session_id    varchar(100),
  request_id    varchar(100),
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);

CREATE INDEX idx_audit_logs_user_id ON audit_logs (user_id);
CREATE INDEX idx_audit_logs_action ON audit_logs (action);
CREATE INDEX idx_audit_logs_resource ON audit_logs (resource_type, resource_id);
CREATE INDEX idx_audit_logs_created_at ON audit_logs (created_at DESC);

CREATE TABLE audit_logs_default PARTITION OF audit_logs DEFAULT;

-- Monthly partitions for the current UTC month and the next two, computed when the migration
-- runs rather than fixed dates that would be stale on the day it ships.
DO $$
DECLARE
  v_this_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  v_month date;
  v_table text;
BEGIN
  FOR i IN 0..2 LOOP
    v_month := (v_this_month + make_interval(months => i))::date;
    FOREACH v_table IN ARRAY ARRAY['agent_logs', 'audit_logs'] LOOP
      PERFORM create_monthly_partition(
        v_table,
        extract(year FROM v_month)::integer,
        extract(month FROM v_month)::integer
      );
    END LOOP;
  END LOOP;
END;
$$;
