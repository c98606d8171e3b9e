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

/** `SET` statements for an open session (PGlite). */
export const SESSION_SET_SQL = `set pg_trgm.similarity_threshold = ${TRGM_SIMILARITY_THRESHOLD}`;

/** The startup `options` parameter (npm:pg): applied when each connection opens. */
export const SESSION_STARTUP_OPTIONS =
  `-c pg_trgm.similarity_threshold=${TRGM_SIMILARITY_THRESHOLD}`;
