DROP TABLE partition_runs;
DROP TABLE backup_runs;
