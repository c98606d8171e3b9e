-- The five roles with their permission JSON and the seven pipeline stages of seed 004.
-- ON CONFLICT DO NOTHING keeps rows an operator already has (and may have edited) untouched.

INSERT INTO roles (name, description, permissions) VALUES
  ('admin', 'Full access to everything', '{"all": true}'),
  ('diretor', 'Director: dashboards, reports, finance, projects and agents',
    '{"dashboard": true, "reports": true, "finance": true, "projects": true, "agents": true}'),
  ('comercial', 'Sales team: leads, deals and contacts; reads content',
    '{"leads": true, "deals": true, "contacts": true, "content": {"read": true}}'),
  ('agente_ia', 'Service account of the AI agents',
    '{"leads": {"read": true, "create": true}, "content": {"create": true}, "agents": {"read": true}}'),
  ('cliente', 'External client: reads its own projects, invoices and contracts',
    '{"projects": {"read": true}, "invoices": {"read": true}, "contracts": {"read": true}}')
ON CONFLICT (name) DO NOTHING;

INSERT INTO pipeline_stages (name, slug, sort_order, probability, is_won, is_lost) VALUES
  ('Prospeccao', 'prospeccao', 1, 10, false, false),
  ('Qualificacao', 'qualificacao', 2, 20, false, false),
  ('Proposta', 'proposta', 3, 50, false, false),
  ('Negociacao', 'negociacao', 4, 70, false, false),
  ('Fechamento', 'fechamento', 5, 90, false, false),
  ('Ganho', 'ganho', 6, 100, true, false),
  ('Perdido', 'perdido', 7, 0, false, true)
ON CONFLICT (slug) DO NOTHING;
