-- Drops what 0020 up created, in reverse order.
DROP TABLE insight_suggestion_feedback;
DROP TABLE insight_relationships;
DROP TABLE insight_jobs;
DROP TABLE insight_projection_leases;
DROP TABLE insight_outbox;
