-- Undo 0003_identity (reverse order; indexes and triggers go with their tables).
DROP TABLE user_roles;
DROP TABLE roles;
DROP TABLE users;
