-- Undo 0008_company_users.
DROP TABLE company_users;
