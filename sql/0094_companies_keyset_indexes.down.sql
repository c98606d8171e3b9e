-- Undo 0094_companies_keyset_indexes.
DROP INDEX idx_companies_segment_created_id;
DROP INDEX idx_companies_created_id;
