-- Undo 0007_dashboards (reverse order).
DROP TABLE metrics;
DROP TABLE dashboards;
