-- Keyset pages of leads: each index matches a list's filter, its sort (created_at DESC NULLS LAST,
-- the order the list engine writes) and the id tie-break, so a page is an index range read of
-- limit + 1 rows instead of a bitmap scan of every matching row and a top-N sort.
-- idx_leads_created_at (created_at DESC) sorts NULLS FIRST and cannot serve that order.
CREATE INDEX idx_leads_status_created_id ON leads (status, created_at DESC NULLS LAST, id DESC);
CREATE INDEX idx_leads_temperature_created_id
  ON leads (temperature, created_at DESC NULLS LAST, id DESC);
CREATE INDEX idx_leads_created_id ON leads (created_at DESC NULLS LAST, id DESC);
