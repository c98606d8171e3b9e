-- PGlite (Postgres 18 built for 32-bit WASM) answers wrongly from 0091's GiST trigram index: now
-- and then a fresh database's first fuzzy search returns no rows, and the next one never ends,
-- which keeps the embedded database's thread until the process stops. Seen in about one run in
-- ten of a test creating two companies and searching (tests/crm/search_threshold_test.ts) on a
-- loaded machine, never with only the GIN index, 2 in 25 with only the GiST one. Server Postgres
-- keeps the index; the embedded profile searches through seed 004's GIN index.
DO $$
BEGIN
  IF position('PGlite' in version()) > 0 THEN
    DROP INDEX IF EXISTS idx_companies_name_trgm_gist;
  END IF;
END
$$;
