-- Undo 0009_reference_data. Rows still in use are kept: deleting a stage that deals point at
-- would fail, and deleting a granted role would silently strip users of it (user_roles cascades).
-- Whatever stays is dropped with its table by 0004/0003 down; 0009 up skips it on re-apply.
DELETE FROM pipeline_stages s
WHERE s.slug IN ('prospeccao', 'qualificacao', 'proposta', 'negociacao', 'fechamento', 'ganho',
    'perdido')
  AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.stage_id = s.id);

DELETE FROM roles r
WHERE r.name IN ('admin', 'diretor', 'comercial', 'agente_ia', 'cliente')
  AND NOT EXISTS (SELECT 1 FROM user_roles ur WHERE ur.role_id = r.id);
