-- Undo 0092_account_change_notify.
DROP INDEX idx_revoked_access_tokens_user_id;
DROP TRIGGER revoked_access_tokens_truncated ON revoked_access_tokens;
DROP TRIGGER revoked_access_tokens_removed ON revoked_access_tokens;
DROP TRIGGER revoked_access_tokens_change ON revoked_access_tokens;
DROP TRIGGER users_account_truncated ON users;
DROP TRIGGER users_account_removed ON users;
DROP TRIGGER users_account_change ON users;
DROP FUNCTION notify_account_change();
