-- Agents' service accounts: the user an AI agent signs in as (role agente_ia), so that the audit
-- trail names the agent behind every change that account makes. One account serves at most one
-- agent; deleting the user leaves the agent unlinked rather than gone.
ALTER TABLE agents
  ADD COLUMN user_id uuid
    CONSTRAINT uq_agents_user_id UNIQUE REFERENCES users (id) ON DELETE SET NULL;

-- Recording a run re-counts the agent's UTC day under the agent's row lock (src/agent_runs): with
-- this index that count, and a page of the agent's runs, read only that agent's rows in the range.
CREATE INDEX idx_agent_logs_agent_id_created_at ON agent_logs (agent_id, created_at DESC);
