-- Undo 0004_crm (reverse order; indexes and triggers go with their tables).
DROP TABLE contracts;
DROP TABLE deals;
DROP TABLE lead_interactions;
DROP TABLE leads;
DROP TABLE agents;
DROP TABLE pipeline_stages;
DROP TABLE contacts;
DROP TABLE companies;
