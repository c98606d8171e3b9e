-- Undo 0091_companies_name_gist.
DROP INDEX idx_companies_name_trgm_gist;
