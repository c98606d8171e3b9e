-- At most one live relationship between two insights, whichever way it points: two workers
-- processing both ends at once would otherwise each link A to B, one each way.
DROP INDEX uq_insight_relationships_pair;
CREATE UNIQUE INDEX uq_insight_relationships_pair ON insight_relationships
  (least(source_id, target_id), greatest(source_id, target_id)) WHERE deleted_at IS NULL;
