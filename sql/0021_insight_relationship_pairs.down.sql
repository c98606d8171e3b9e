-- Back to 0020's directed pair index.
DROP INDEX uq_insight_relationships_pair;
CREATE UNIQUE INDEX uq_insight_relationships_pair ON insight_relationships (source_id, target_id)
  WHERE deleted_at IS NULL;
