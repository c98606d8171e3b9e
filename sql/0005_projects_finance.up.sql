-- Projects and finance. Ordered by reference: suppliers and budgets before expenses, which points
-- at both; invoices before payments.

CREATE TABLE projects (
  id           uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name         varchar(255) NOT NULL,
  description  text,
  contract_id  uuid REFERENCES contracts (id),
  company_id   uuid NOT NULL REFERENCES companies (id),
  status       project_status NOT NULL DEFAULT 'planning',
  project_type varchar(50),
  start_date   date,
  end_date     date,
  deadline     date,
  budget_total decimal(12, 2) DEFAULT 0,
  budget_spent decimal(12, 2) DEFAULT 0,
  progress     integer DEFAULT 0 CHECK (progress >= 0 AND progress <= 100),
  manager_id   uuid REFERENCES users (id),
  notes        text,
  metadata     jsonb DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_projects_company_id ON projects (company_id);
CREATE INDEX idx_projects_status ON projects (status);
CREATE INDEX idx_projects_manager_id ON projects (manager_id);
CREATE INDEX idx_projects_deadline ON projects (deadline);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON projects
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE sprints (
  id         uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  name       varchar(100) NOT NULL,
  goal       text,
  status     sprint_status NOT NULL DEFAULT 'planned',
  start_date date NOT NULL,
  end_date   date NOT NULL,
  sort_order integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_sprints_project_id ON sprints (project_id);
CREATE INDEX idx_sprints_status ON sprints (status);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON sprints
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE tasks (
  id              uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  project_id      uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  sprint_id       uuid REFERENCES sprints (id),
  parent_task_id  uuid REFERENCES tasks (id),
  title           varchar(255) NOT NULL,
  description     text,
  status          task_status NOT NULL DEFAULT 'backlog',
  priority        task_priority NOT NULL DEFAULT 'medium',
  assigned_to     uuid REFERENCES users (id),
  estimated_hours decimal(6, 2),
  actual_hours    decimal(6, 2),
  due_date        date,
  completed_at    timestamptz,
  sort_order      integer DEFAULT 0,
  tags            text[] DEFAULT '{}',
  created_by      uuid REFERENCES users (id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_tasks_project_id ON tasks (project_id);
CREATE INDEX idx_tasks_sprint_id ON tasks (sprint_id);
CREATE INDEX idx_tasks_assigned_to ON tasks (assigned_to);
CREATE INDEX idx_tasks_status ON tasks (status);
CREATE INDEX idx_tasks_priority ON tasks (priority);
CREATE INDEX idx_tasks_due_date ON tasks (due_date);
CREATE INDEX idx_tasks_tags ON tasks USING gin (tags);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE suppliers (
  id         uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name       varchar(255) NOT NULL,
  cnpj_cpf   varchar(18),
  email      varchar(255),
  phone      varchar(20),
  category   varchar(100),
  address    text,
  bank_info  jsonb,
  rating     decimal(3, 2) DEFAULT 0 CHECK (rating >= 0 AND rating <= 5),
  notes      text,
  is_active  boolean DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_suppliers_category ON suppliers (category);
CREATE INDEX idx_suppliers_name_trgm ON suppliers USING gin (name gin_trgm_ops);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON suppliers
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE budgets (
  id             uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  project_id     uuid REFERENCES projects (id),
  deal_id        uuid REFERENCES deals (id),
  company_id     uuid NOT NULL REFERENCES companies (id),
  title          varchar(255) NOT NULL,
  description    text,
  status         budget_status NOT NULL DEFAULT 'draft',
  subtotal       decimal(12, 2) NOT NULL,
  discount       decimal(12, 2) DEFAULT 0,
  taxes          decimal(12, 2) DEFAULT 0,
  margin_percent decimal(5, 2) DEFAULT 30.00,
  total          decimal(12, 2) NOT NULL,
  valid_until    date,
  file_url       varchar(500),
  version        integer DEFAULT 1,
  notes          text,
  created_by     uuid REFERENCES users (id),
  approved_by    uuid REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_budgets_project_id ON budgets (project_id);
CREATE INDEX idx_budgets_company_id ON budgets (company_id);
CREATE INDEX idx_budgets_status ON budgets (status);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON budgets
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE invoices (
  id             uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  invoice_number varchar(20) NOT NULL UNIQUE,
  contract_id    uuid REFERENCES contracts (id),
  company_id     uuid NOT NULL REFERENCES companies (id),
  status         invoice_status NOT NULL DEFAULT 'draft',
  subtotal       decimal(12, 2) NOT NULL,
  discount       decimal(12, 2) DEFAULT 0,
  tax_amount     decimal(12, 2) DEFAULT 0,
  total          decimal(12, 2) NOT NULL,
  currency       varchar(3) DEFAULT 'BRL',
  issue_date     date NOT NULL DEFAULT CURRENT_DATE,
  due_date       date NOT NULL,
  paid_at        timestamptz,
  payment_method varchar(50),
  nfe_number     varchar(50),
  nfe_url        varchar(500),
  external_id    varchar(100),
  notes          text,
  created_by     uuid REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_invoices_company_id ON invoices (company_id);
CREATE INDEX idx_invoices_status ON invoices (status);
CREATE INDEX idx_invoices_due_date ON invoices (due_date);
CREATE INDEX idx_invoices_number ON invoices (invoice_number);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON invoices
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE payments (
  id               uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  invoice_id       uuid NOT NULL REFERENCES invoices (id),
  amount           decimal(12, 2) NOT NULL,
  method           payment_method NOT NULL,
  status           payment_status NOT NULL DEFAULT 'pending',
  paid_at          timestamptz,
  external_id      varchar(100),
  gateway          varchar(50),
  gateway_response jsonb,
  notes            text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_payments_invoice_id ON payments (invoice_id);
CREATE INDEX idx_payments_status ON payments (status);
CREATE INDEX idx_payments_paid_at ON payments (paid_at DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON payments
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE expenses (
  id           uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  project_id   uuid REFERENCES projects (id),
  supplier_id  uuid REFERENCES suppliers (id),
  budget_id    uuid REFERENCES budgets (id),
  category     expense_category NOT NULL,
  description  varchar(255) NOT NULL,
  amount       decimal(12, 2) NOT NULL,
  currency     varchar(3) DEFAULT 'BRL',
  status       expense_status NOT NULL DEFAULT 'pending',
  expense_date date NOT NULL,
  receipt_url  varchar(500),
  nfe_number   varchar(50),
  approved_by  uuid REFERENCES users (id),
  approved_at  timestamptz,
  paid_at      timestamptz,
  notes        text,
  created_by   uuid REFERENCES users (id),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_expenses_project_id ON expenses (project_id);
CREATE INDEX idx_expenses_supplier_id ON expenses (supplier_id);
CREATE INDEX idx_expenses_category ON expenses (category);
CREATE INDEX idx_expenses_status ON expenses (status);
CREATE INDEX idx_expenses_date ON expenses (expense_date DESC);

CREATE TRIGGER set_updated_at BEFORE UPDATE ON expenses
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE equipment (
  id             uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  name           varchar(255) NOT NULL,
  category       varchar(100) NOT NULL,
  brand          varchar(100),
  model          varchar(100),
  serial_number  varchar(100),
  daily_rate     decimal(10, 2),
  purchase_value decimal(12, 2),
  purchase_date  date,
  condition      varchar(20) CHECK (condition IN ('new', 'good', 'fair', 'needs_repair', 'retired')),
  location       varchar(255),
  notes          text,
  image_url      varchar(500),
  is_available   boolean DEFAULT true,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX idx_equipment_category ON equipment (category);
CREATE INDEX idx_equipment_available ON equipment (is_available) WHERE is_available = true;

CREATE TRIGGER set_updated_at BEFORE UPDATE ON equipment
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
