-- Undo 0005_projects_finance (reverse order; indexes and triggers go with their tables).
DROP TABLE equipment;
DROP TABLE expenses;
DROP TABLE payments;
DROP TABLE invoices;
DROP TABLE budgets;
DROP TABLE suppliers;
DROP TABLE tasks;
DROP TABLE sprints;
DROP TABLE projects;
