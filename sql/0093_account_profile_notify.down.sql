-- Undo 0093_account_profile_notify: back to 0092's trigger on the token-relevant columns.
DROP TRIGGER users_account_change ON users;
CREATE TRIGGER users_account_change
  AFTER UPDATE OF id, is_active, deleted_at, tokens_valid_after ON users
  FOR EACH ROW
  WHEN (OLD.id IS DISTINCT FROM NEW.id
     OR OLD.is_active IS DISTINCT FROM NEW.is_active
     OR OLD.deleted_at IS DISTINCT FROM NEW.deleted_at
     OR OLD.tokens_valid_after IS DISTINCT FROM NEW.tokens_valid_after)
  EXECUTE FUNCTION notify_account_change();
