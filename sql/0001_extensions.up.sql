-- Extensions the schema relies on: UUID defaults (uuid-ossp, pgcrypto), fuzzy name search
-- (pg_trgm) and GIN over scalar columns (btree_gin). All four are trusted extensions and ship
-- with PGlite, so the database owner can create them on both adapters.
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS btree_gin;
