-- Undo 0001_extensions (reverse order).
DROP EXTENSION IF EXISTS btree_gin;
DROP EXTENSION IF EXISTS pgcrypto;
DROP EXTENSION IF EXISTS pg_trgm;
DROP EXTENSION IF EXISTS "uuid-ossp";
