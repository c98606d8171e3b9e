-- The AI agents' service account (agente_ia) must record its own runs (POST /agents/{id}/logs),
-- which seed 004's JSON does not grant. A separate resource, agent_logs, is used rather than
-- agents/create, which would also let the service account create and configure agents.
UPDATE roles
   SET permissions = permissions || '{"agent_logs": {"create": true, "read": true}}'::jsonb
 WHERE name = 'agente_ia';
