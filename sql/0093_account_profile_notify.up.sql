-- The in-process account state (src/auth/accounts/account_state.ts) now carries the user's
-- profile as GET /auth/me shows it, so any update of a users row is an account change: the
-- trigger of 0092 that fired only for the token-relevant columns fires for every update.
-- (users' updated_at trigger changes the row on every update, so no WHEN clause is needed.)
DROP TRIGGER users_account_change ON users;
CREATE TRIGGER users_account_change
  AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION notify_account_change();
