/**
 * Session settings both relational adapters give every connection, so a query means the same on
 * PGlite and on server Postgres.
 *
 * @module
 */

/**
 * Trigram similarity a `%` match needs (pg_trgm's default is 0.3). At 0.3 a company name with one
 * letter missing matched ~1,500 of 15k bench companies (every name sharing "Tecnologia" or
 * "Servicos"), and the planner scanned the whole table to rank them: 60 ms. At 0.4 the same search
 * keeps 100-200 candidates, the GiST trigram index is used, and it takes ~5 ms; the mistyped name
 * itself scores 0.6-0.8, so it still ranks first. Substrings below the threshold still match
 * through the ILIKE half of the search condition.
 */
export const TRGM_SIMILARITY_THRESHOLD = 0.4;

/**
 * shared_buffers of the embedded PGlite, in MB. PGlite zero-fills its buffer pool when it opens,
 * so all of it is resident from the start: at Postgres's default of 128 the API idled at 451 MB
 * and peaked at 549 MB under the quick bench, at 32 it idled at 372 MB and peaked at 471 MB with
 * the same throughput (2026-12-06). Pages past the pool come from the data folder through the OS
 * page cache, which the API's resident memory does not count.
 */
export const PGLITE_SHARED_BUFFERS_DEFAULT_MB = 32;

/** `SET` statements for an open session (PGlite). */
export const SESSION_SET_SQL = `set pg_trgm.similarity_threshold = ${TRGM_SIMILARITY_THRESHOLD}`;

/** The startup `options` parameter (npm:pg): applied when each connection opens. */
export const SESSION_STARTUP_OPTIONS =
  `-c pg_trgm.similarity_threshold=${TRGM_SIMILARITY_THRESHOLD}`;
