-- Drops the files tables that 0030 up created (the objects themselves stay in their buckets).
DROP TABLE files;
DROP TABLE file_uploads;
