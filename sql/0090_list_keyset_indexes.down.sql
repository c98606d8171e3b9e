-- Undo 0090_list_keyset_indexes.
DROP INDEX idx_leads_created_id;
DROP INDEX idx_leads_temperature_created_id;
DROP INDEX idx_leads_status_created_id;
