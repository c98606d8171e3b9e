-- Undo 0014_agent_accounts.
DROP INDEX idx_agent_logs_agent_id_created_at;
ALTER TABLE agents DROP COLUMN user_id;
