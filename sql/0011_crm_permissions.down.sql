-- Takes back what 0011 up added, only where the value is still the one it added.
UPDATE roles SET permissions = permissions - 'invoices'
 WHERE name = 'diretor' AND permissions -> 'invoices' = 'true'::jsonb;
UPDATE roles SET permissions = permissions - 'contracts'
 WHERE name = 'diretor' AND permissions -> 'contracts' = '{"read": true}'::jsonb;
UPDATE roles SET permissions = permissions - 'contacts'
 WHERE name = 'diretor' AND permissions -> 'contacts' = '{"read": true}'::jsonb;
UPDATE roles SET permissions = permissions - 'contracts'
 WHERE name = 'comercial' AND permissions -> 'contracts' = 'true'::jsonb;
