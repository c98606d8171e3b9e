-- The outbox of cache invalidations that must outlive a cache outage and the instance that owed
-- them. A grant change writes its row in the same transaction as the change; the instance applies
-- it right after commit, and any instance's drain job applies what is left (a generation bump,
-- the keys dropped, a message published) and deletes the row. Applying one twice is harmless.
CREATE TABLE cache_invalidations (
  id          bigserial PRIMARY KEY,
  namespace   text NOT NULL,
  drop_keys   text[] NOT NULL DEFAULT '{}',
  channel     text,
  message     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
