-- Drops the cache invalidation outbox that 0013 up created.
DROP TABLE cache_invalidations;
