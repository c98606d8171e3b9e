-- Every change that can refuse a signed-in user's access token announces the user's id on the
-- channel `polystore_accounts` when its transaction commits, whoever makes it: the API, the
-- `user:*` tasks, or plain SQL. Instances keep users' account state in process and drop an entry
-- when its id arrives ('*' drops them all); see src/auth/sessions/account_memo.ts.
CREATE FUNCTION notify_account_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('polystore_accounts', '*');
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('polystore_accounts', OLD.id::text);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('polystore_accounts', coalesce(OLD.user_id::text, '*'));
  ELSE
    PERFORM pg_notify('polystore_accounts', coalesce(NEW.user_id::text, '*'));
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER users_account_change
  AFTER UPDATE OF id, is_active, deleted_at, tokens_valid_after ON users
  FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id
     OR OLD.is_active IS DISTINCT FROM NEW.is_active
     OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
     OR OLD.tokens_valid_after IS DISTINCT FROM NEW.tokens_valid_after)
  EXECUTE FUNCTION notify_account_change();
CREATE TRIGGER users_account_removed
  AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION notify_account_change();
CREATE TRIGGER users_account_truncated
  AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION notify_account_change();

-- A revocation (logout) names its user. Removing an expired row (every logout sweeps them)
-- changes nothing a token could use, but an un-revocation by hand (update, or delete of a live
-- row) must reach the memo too.
CREATE TRIGGER revoked_access_tokens_change
  AFTER INSERT OR UPDATE ON revoked_access_tokens
  FOR EACH ROW EXECUTE FUNCTION notify_account_change();
CREATE TRIGGER revoked_access_tokens_removed
  AFTER DELETE ON revoked_access_tokens
  FOR EACH ROW WHEN (OLD.expires_at > now()) EXECUTE FUNCTION notify_account_change();
CREATE TRIGGER revoked_access_tokens_truncated
  AFTER TRUNCATE ON revoked_access_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION notify_account_change();

-- The memo loads a user's live revocations by user id.
CREATE INDEX idx_revoked_access_tokens_user_id ON revoked_access_tokens (user_id);
