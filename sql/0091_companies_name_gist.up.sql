-- Company search (name % q or name ILIKE '%q%', ranked by similarity) gets a GiST trigram index
-- beside seed 004's GIN one. On 15k bench companies a mistyped name shares trigrams with ~1,500
-- others ("Servicos", digits): the planner judged the GIN bitmap dearer than a sequential scan and
-- spent 45-120 ms computing % on every row; it takes the GiST bitmap for the same query, same rows
-- in the same order, in ~7 ms. The GIN index stays (seed 004 names it; short ILIKE patterns).
CREATE INDEX idx_companies_name_trgm_gist ON companies USING gist (name gist_trgm_ops);
