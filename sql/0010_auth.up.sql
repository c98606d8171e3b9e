-- Sessions and revocations: refresh-token families (opaque tokens stored as SHA-256 hashes only),
-- the copy of record of revoked access-token ids, and a per-user cut-off for access tokens.

-- Access tokens issued (iat) before this instant are refused; set on a password change, when the
-- other sessions' access tokens cannot all be named one by one.
ALTER TABLE users ADD COLUMN tokens_valid_after timestamptz;

-- One row per refresh token ever issued. A family is one sign-in: login starts it, every refresh
-- adds a row and marks the previous one rotated. Presenting a rotated token again revokes the
-- whole family. access_jti/access_expires_at name the access token issued with the row, so that
-- revoking a family can also deny-list the access tokens it still has alive.
CREATE TABLE refresh_tokens (
  id                uuid PRIMARY KEY DEFAULT uuid_generate_v4(),
  family_id         uuid NOT NULL,
  user_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash        text NOT NULL UNIQUE,
  created_at        timestamptz NOT NULL DEFAULT now(),
  expires_at        timestamptz NOT NULL,
  rotated_at        timestamptz,
  replaced_by       uuid,
  revoked_at        timestamptz,
  access_jti        text,
  access_expires_at timestamptz,
  user_agent        varchar(500),
  ip                inet,
  CHECK (token_hash ~ '^[0-9a-f]{64}$')
);

CREATE INDEX idx_refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX idx_refresh_tokens_user_id ON refresh_tokens (user_id);

-- Revoked access-token ids until the token would have expired anyway; the cache holds the same
-- ids under blacklist:jwt:{jti} for fast look-ups, this table survives a cache loss.
CREATE TABLE revoked_access_tokens (
  jti        text PRIMARY KEY,
  user_id    uuid REFERENCES users (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);

CREATE INDEX idx_revoked_access_tokens_expires_at ON revoked_access_tokens (expires_at);
