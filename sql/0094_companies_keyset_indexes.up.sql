-- Company pages newest first, whole or of one segment (the list engine orders by
-- created_at DESC NULLS LAST, id DESC and pages by (created_at, id)): without these a page of 20
-- of one segment read that segment's every row (~2,000 of the bench's 10k) and sorted them, 5 ms
-- a page on PGlite; with them it reads the 21 rows it returns, as 0090 does for leads.
CREATE INDEX idx_companies_created_id ON companies (created_at DESC NULLS LAST, id DESC);
CREATE INDEX idx_companies_segment_created_id
  ON companies (segment, created_at DESC NULLS LAST, id DESC);
