-- Undo 0010_auth.
DROP TABLE revoked_access_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE users DROP COLUMN tokens_valid_after;
