-- CRM tables. agents is created here, ahead of its own group, because lead_interactions (and later
-- content_pieces and agent_logs) reference it.

CREATE TABLE companies (
  id              uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name            varchar(255) NOT NULL,
  trade_name      varchar(255),
  cnpj            varchar(18) UNIQUE,
  segment         varchar(100),
  size            varchar(20) CHECK (size IN ('micro', 'pequena', 'media', 'grande')),
  website         varchar(500),
  linkedin_url    varchar(500),
  instagram_url   varchar(500),
  address_street  varchar(255),
  address_city    varchar(100),
  address_state   varchar(2),
  address_zip     varchar(10),
  notes           text,
  source          varchar(50),
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  deleted_at      timestamptz
);

CREATE INDEX idx_companies_cnpj ON companies (cnpj);
CREATE INDEX idx_companies_segment ON companies (segment);
CREATE INDEX idx_companies_name_trgm ON companies USING gin (name gin_trgm_ops);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON companies
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE contacts (
  id                uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  company_id        uuid REFERENCES companies (id),
  full_name         varchar(255) NOT NULL,
  email             varchar(255),
  phone             varchar(20),
  whatsapp          varchar(20),
  job_title         varchar(150),
  department        varchar(100),
  linkedin_url      varchar(500),
  is_decision_maker boolean DEFAULT false,
  notes             text,
  source            varchar(50),
  created_by        uuid REFERENCES users (id),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  deleted_at        timestamptz
);

CREATE INDEX idx_contacts_company_id ON contacts (company_id);
CREATE INDEX idx_contacts_email ON contacts (email);
CREATE INDEX idx_contacts_name_trgm ON contacts USING gin (full_name gin_trgm_ops);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON contacts
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE pipeline_stages (
  id          uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name        varchar(100) NOT NULL,
  slug        varchar(100) NOT NULL UNIQUE,
  description varchar(255),
  color       varchar(7) DEFAULT '#6B7280',
  sort_order  integer NOT NULL,
  is_won      boolean DEFAULT false,
  is_lost     boolean DEFAULT false,
  probability integer DEFAULT 0 CHECK (probability >= 0 AND probability <= 100),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Not in seed 004's trigger list, but the table has updated_at and the seed's rule is
-- "every table that has updated_at".
CREATE TRIGGER set_updated_at BEFORE UPDATE ON pipeline_stages
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE agents (
  id                 uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name               varchar(100) NOT NULL UNIQUE,
  slug               varchar(100) NOT NULL UNIQUE,
  crew               varchar(50) NOT NULL,
  description        text,
  persona            text,
  model_primary      varchar(50) NOT NULL,
  model_fallback     varchar(50),
  status             agent_status NOT NULL DEFAULT 'active',
  config             jsonb NOT NULL DEFAULT '{}',
  daily_token_limit  integer DEFAULT 500000,
  daily_action_limit integer DEFAULT 200,
  daily_cost_limit   decimal(8, 2) DEFAULT 50.00,
  monthly_cost_limit decimal(8, 2) DEFAULT 200.00,
  total_tokens_used  bigint DEFAULT 0,
  total_cost         decimal(12, 2) DEFAULT 0,
  last_run_at        timestamptz,
  error_message      text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_agents_status ON agents (status);
CREATE INDEX idx_agents_crew ON agents (crew);
CREATE INDEX idx_agents_slug ON agents (slug);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON agents
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE leads (
  id               uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  contact_id       uuid REFERENCES contacts (id),
  company_id       uuid REFERENCES companies (id),
  status           lead_status NOT NULL DEFAULT 'new',
  temperature      lead_temperature DEFAULT 'cold',
  score            integer DEFAULT 0 CHECK (score >= 0 AND score <= 100),
  source           varchar(50) NOT NULL,
  source_detail    varchar(255),
  channel          varchar(50),
  assigned_to      uuid REFERENCES users (id),
  first_contact_at timestamptz,
  last_contact_at  timestamptz,
  converted_at     timestamptz,
  notes            text,
  metadata         jsonb DEFAULT '{}',
  created_by       uuid REFERENCES users (id),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_leads_status ON leads (status);
CREATE INDEX idx_leads_temperature ON leads (temperature);
CREATE INDEX idx_leads_score ON leads (score DESC);
CREATE INDEX idx_leads_assigned_to ON leads (assigned_to);
CREATE INDEX idx_leads_source ON leads (source);
CREATE INDEX idx_leads_created_at ON leads (created_at DESC);
CREATE INDEX idx_leads_company_id ON leads (company_id);
CREATE INDEX idx_leads_metadata ON leads USING gin (metadata);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON leads
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE lead_interactions (
  id               uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  lead_id          uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
  interaction_type interaction_type NOT NULL,
  direction        varchar(10) CHECK (direction IN ('inbound', 'outbound')),
  channel          varchar(50) NOT NULL,
  subject          varchar(255),
  content          text,
  metadata         jsonb DEFAULT '{}',
  performed_by     uuid REFERENCES users (id),
  agent_id         uuid REFERENCES agents (id),
  created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_lead_interactions_lead_id ON lead_interactions (lead_id);
CREATE INDEX idx_lead_interactions_type ON lead_interactions (interaction_type);
CREATE INDEX idx_lead_interactions_created_at ON lead_interactions (created_at DESC);

CREATE TABLE deals (
  id                  uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  title               varchar(255) NOT NULL,
  lead_id             uuid REFERENCES leads (id),
  company_id          uuid REFERENCES companies (id),
  contact_id          uuid REFERENCES contacts (id),
  stage_id            uuid NOT NULL REFERENCES pipeline_stages (id),
  status              deal_status NOT NULL DEFAULT 'open',
  value               decimal(12, 2) DEFAULT 0,
  currency            varchar(3) DEFAULT 'BRL',
  expected_close_date date,
  actual_close_date   date,
  lost_reason         varchar(255),
  owned_by            uuid NOT NULL REFERENCES users (id),
  notes               text,
  metadata            jsonb DEFAULT '{}',
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_deals_stage_id ON deals (stage_id);
CREATE INDEX idx_deals_status ON deals (status);
CREATE INDEX idx_deals_owned_by ON deals (owned_by);
CREATE INDEX idx_deals_company_id ON deals (company_id);
CREATE INDEX idx_deals_expected_close ON deals (expected_close_date);
CREATE INDEX idx_deals_value ON deals (value DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON deals
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE contracts (
  id              uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  contract_number varchar(20) NOT NULL UNIQUE,
  deal_id         uuid REFERENCES deals (id),
  company_id      uuid NOT NULL REFERENCES companies (id),
  contact_id      uuid REFERENCES contacts (id),
  title           varchar(255) NOT NULL,
  description     text,
  status          contract_status NOT NULL DEFAULT 'draft',
  total_value     decimal(12, 2) NOT NULL,
  currency        varchar(3) DEFAULT 'BRL',
  start_date      date,
  end_date        date,
  signed_at       timestamptz,
  signed_by       varchar(255),
  file_url        varchar(500),
  terms           text,
  notes           text,
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_contracts_company_id ON contracts (company_id);
CREATE INDEX idx_contracts_status ON contracts (status);
CREATE INDEX idx_contracts_number ON contracts (contract_number);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON contracts
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
