-- Undo 0002_enums_and_functions (reverse order).
DROP FUNCTION create_monthly_partition(text, integer, integer);
DROP FUNCTION update_updated_at_column();

DROP TYPE notification_type;
DROP TYPE log_level;
DROP TYPE agent_status;
DROP TYPE content_type;
DROP TYPE content_status;

DROP TYPE budget_status;
DROP TYPE expense_category;
DROP TYPE expense_status;
DROP TYPE payment_status;
DROP TYPE payment_method;
DROP TYPE invoice_status;

DROP TYPE task_priority;
DROP TYPE task_status;
DROP TYPE sprint_status;
DROP TYPE project_status;

DROP TYPE contract_status;
DROP TYPE deal_status;
DROP TYPE interaction_type;
DROP TYPE lead_temperature;
DROP TYPE lead_status;

DROP TYPE role_name;
