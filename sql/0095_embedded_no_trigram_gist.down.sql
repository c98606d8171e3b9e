-- Undo 0095_embedded_no_trigram_gist: PGlite gets 0091's index back.
DO $$
BEGIN
  IF position('PGlite' in version()) > 0 THEN
    CREATE INDEX IF NOT EXISTS idx_companies_name_trgm_gist ON companies USING gist (name gist_trgm_ops);
  END IF;
END
$$;
