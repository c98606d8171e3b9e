/**
 * Notifications (each user's own; only those granted notifications.create, i.e. admin, send them)
 * and the audit trail (read only, ["audit", "read"], i.e. admin).
 *
 * @module
 */
import {
  bool,
  createdAt,
  idColumn,
  jsonObject,
  oneOf,
  text,
  timestamp,
  updatedAt,
  url,
  uuid,
} from "../columns.ts";
import { defineResource } from "../resource.ts";

export const notifications = defineResource({
  table: "notifications",
  path: "notifications",
  name: "Notification",
  tag: "notifications",
  permission: "notifications",
  owner: "user_id",
  columns: {
    id: idColumn(),
    user_id: uuid().references("users").required().createOnly(),
    type: oneOf(["info", "success", "warning", "error", "action_required"]).notNull().createOnly(),
    title: text(255).required().createOnly(),
    message: text().required().createOnly(),
    action_url: url().createOnly(),
    // The one field its owner changes: marking it read (read_at follows).
    is_read: bool().notNull(),
    read_at: timestamp().readOnly(),
    metadata: jsonObject().createOnly(),
    created_at: createdAt(),
    updated_at: updatedAt(),
  },
  filters: { is_read: "eq", type: "eq", created_at: "range" },
  sorts: ["created_at"],
  defaultSort: "-created_at",
  permissions: {
    list: "user",
    read: "user",
    update: "user",
    delete: "user",
    create: ["notifications", "create"],
  },
  derive: (input, { now }) =>
    input.is_read === undefined ? {} : { read_at: input.is_read ? now.toISOString() : null },
});

export const auditLogs = defineResource({
  table: "audit_logs",
  path: "audit-logs",
  name: "AuditLog",
  tag: "audit",
  permission: "audit",
  ops: ["list", "read"],
  columns: {
    id: idColumn(),
    user_id: uuid(),
    agent_id: uuid(),
    action: text(100).required(),
    resource_type: text(50).required(),
    resource_id: uuid(),
    old_values: jsonObject(),
    new_values: jsonObject(),
    ip_address: text(),
    user_agent: text(500),
    session_id: text(100),
    request_id: text(100),
    created_at: createdAt(),
  },
  filters: {
    resource_type: "eq",
    resource_id: "eq",
    user_id: "eq",
    agent_id: "eq",
    action: "eq",
    request_id: "eq",
    created_at: "range",
  },
  sorts: ["created_at"],
  defaultSort: "-created_at",
});
