-- Grants that seed 004's role JSON leaves out but that the roles plainly need once every table is
-- mapped to a permission resource (docs/permissions.md). The seed's own keys are used as resource
-- names, so cliente's {"invoices": read} and {"contracts": read} keep working as written:
--   diretor   + invoices (all)      finance is the director's; invoices are the core of it
--             + contracts (read)    contract values and dates behind the projects and invoices
--             + contacts (read)     companies and contacts, to pick the company of an invoice,
--                                   project or budget
--   comercial + contracts (all)     sales closes deals into contracts
-- The seed's JSON is the base and wins where it already names a resource (an operator's edit
-- is kept): `extra || permissions` only fills keys that are missing.
UPDATE roles
   SET permissions = '{"invoices": true, "contracts": {"read": true}, "contacts": {"read": true}}'::jsonb
                     || permissions
 WHERE name = 'diretor';

UPDATE roles
   SET permissions = '{"contracts": true}'::jsonb || permissions
 WHERE name = 'comercial';
