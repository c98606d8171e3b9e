-- Undo 0006_content_agents_notifications (reverse order). Dropping a partitioned table drops all
-- of its partitions, including monthly ones created after this migration ran.
DROP TABLE audit_logs;
DROP TABLE notifications;
DROP TABLE agent_logs;
DROP TABLE social_posts;
DROP TABLE content_pieces;
