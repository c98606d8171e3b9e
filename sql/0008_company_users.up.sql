-- Which companies a user (in practice one with the cliente role) belongs to; the API lets such a
-- user see only rows of these companies.
CREATE TABLE company_users (
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  company_id uuid NOT NULL REFERENCES companies (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, company_id)
);

-- The primary key serves look-ups by user; this one serves "who belongs to company X".
CREATE INDEX idx_company_users_company_id ON company_users (company_id);
