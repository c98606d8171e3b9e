-- Dashboards and their metric samples (seed 003), owned by the same users as everything else:
-- seed 003's integer keys become UUIDs to match users.id, and its naive DateTime becomes timestamptz.

CREATE TABLE dashboards (
  id         uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name       varchar(100) NOT NULL,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_dashboards_user_id ON dashboards (user_id);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON dashboards
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE metrics (
  id                 uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id            uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  dashboard_id       uuid REFERENCES dashboards (id) ON DELETE CASCADE,
  ia_efficiency      double precision NOT NULL,
  model_accuracy     double precision NOT NULL,
  processing_time_ms double precision NOT NULL,
  memory_usage_mb    double precision NOT NULL,
  error_rate         double precision NOT NULL,
  "timestamp"        timestamptz NOT NULL DEFAULT now(),
  periodo            varchar(10) DEFAULT '24h' CHECK (periodo IN ('24h', '7d', '30d'))
);

-- The period views read one dashboard's (or one user's) samples newest first over a time window.
CREATE INDEX idx_metrics_dashboard_timestamp ON metrics (dashboard_id, "timestamp" DESC);
CREATE INDEX idx_metrics_user_timestamp ON metrics (user_id, "timestamp" DESC);
