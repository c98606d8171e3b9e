-- Every enum type of the schema, the updated_at trigger function and the monthly partition helper.
-- Types come first so that any later table can use them regardless of the order tables appear in.

-- identity
CREATE TYPE role_name AS ENUM ('admin', 'diretor', 'comercial', 'agente_ia', 'cliente');

-- crm
CREATE TYPE lead_status AS ENUM ('new', 'contacted', 'qualified', 'unqualified', 'converted', 'lost');
CREATE TYPE lead_temperature AS ENUM ('hot', 'warm', 'cold');
CREATE TYPE interaction_type AS ENUM (
  'whatsapp_sent', 'whatsapp_received',
  'linkedin_sent', 'linkedin_received',
  'email_sent', 'email_opened', 'email_clicked', 'email_replied',
  'call', 'meeting', 'note'
);
CREATE TYPE deal_status AS ENUM ('open', 'won', 'lost');
CREATE TYPE contract_status AS ENUM (
  'draft', 'sent', 'negotiating', 'signed', 'active', 'completed', 'cancelled'
);

-- projects
CREATE TYPE project_status AS ENUM (
  'planning', 'pre_production', 'in_production', 'post_production', 'review', 'delivered', 'archived'
);
CREATE TYPE sprint_status AS ENUM ('planned', 'active', 'completed', 'cancelled');
CREATE TYPE task_status AS ENUM ('backlog', 'todo', 'in_progress', 'review', 'done', 'cancelled');
CREATE TYPE task_priority AS ENUM ('low', 'medium', 'high', 'urgent');

-- finance
CREATE TYPE invoice_status AS ENUM (
  'draft', 'sent', 'paid', 'partial', 'overdue', 'cancelled', 'refunded'
);
CREATE TYPE payment_method AS ENUM (
  'pix', 'boleto', 'credit_card', 'debit_card', 'transfer', 'cash'
);
CREATE TYPE payment_status AS ENUM ('pending', 'confirmed', 'failed', 'refunded');
CREATE TYPE expense_status AS ENUM ('pending', 'approved', 'paid', 'rejected', 'cancelled');
CREATE TYPE expense_category AS ENUM (
  'equipment_rental', 'crew', 'location', 'transport', 'catering',
  'software', 'marketing', 'office', 'taxes', 'other'
);
CREATE TYPE budget_status AS ENUM ('draft', 'sent', 'approved', 'rejected', 'revised');

-- content, agents, notifications
CREATE TYPE content_status AS ENUM (
  'draft', 'review', 'approved', 'scheduled', 'published', 'archived'
);
CREATE TYPE content_type AS ENUM (
  'instagram_post', 'instagram_story', 'instagram_carousel',
  'linkedin_post', 'linkedin_article',
  'blog_post', 'email_newsletter', 'video_script', 'caption', 'other'
);
CREATE TYPE agent_status AS ENUM ('active', 'paused', 'disabled', 'error');
CREATE TYPE log_level AS ENUM ('debug', 'info', 'warning', 'error', 'critical');
CREATE TYPE notification_type AS ENUM ('info', 'success', 'warning', 'error', 'action_required');

-- Stamps updated_at on every UPDATE so that callers cannot forget or forge it.
CREATE FUNCTION update_updated_at_column() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- Creates the partition <table>_YYYY_MM of a table partitioned by RANGE (created_at) and returns
-- its name. Bounds are UTC month starts so that partitions do not depend on the session time
-- zone. Rows of that month already sitting in <table>_default are moved into the new partition,
-- because PostgreSQL refuses to create a partition whose range the default partition holds rows
-- for. Idempotent: an existing partition is left alone.
CREATE FUNCTION create_monthly_partition(p_table_name text, p_year integer, p_month integer)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v_partition text := format('%s_%s_%s', p_table_name, p_year, lpad(p_month::text, 2, '0'));
  v_default text := p_table_name || '_default';
  v_stash text := v_partition || '_stash';
  v_first date := make_date(p_year, p_month, 1);
  v_from timestamptz := v_first::timestamp AT TIME ZONE 'UTC';
  v_to timestamptz := (v_first + interval '1 month')::timestamp AT TIME ZONE 'UTC';
  v_has_default boolean;
BEGIN
  IF to_regclass(format('%I', v_partition)) IS NOT NULL THEN
    RETURN v_partition;
  END IF;

  -- Blocks concurrent inserts so that no row slips into the default partition mid-move.
  EXECUTE format('LOCK TABLE %I IN SHARE ROW EXCLUSIVE MODE', p_table_name);

  v_has_default := to_regclass(format('%I', v_default)) IS NOT NULL;
  IF v_has_default THEN
    EXECUTE format('CREATE TEMP TABLE %I (LIKE %I)', v_stash, v_default);
    EXECUTE format(
      'WITH moved AS (DELETE FROM %I WHERE created_at >= %L AND created_at < %L RETURNING *) '
      'INSERT INTO %I SELECT * FROM moved',
      v_default, v_from, v_to, v_stash
    );
  END IF;

  EXECUTE format(
    'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
    v_partition, p_table_name, v_from, v_to
  );

  IF v_has_default THEN
    EXECUTE format('INSERT INTO %I SELECT * FROM %I', v_partition, v_stash);
    EXECUTE format('DROP TABLE %I', v_stash);
  END IF;

  RETURN v_partition;
END;
$$;
