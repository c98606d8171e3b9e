/**
 * Writes one audit_logs row per mutation, inside the caller's transaction, so a change and its
 * audit entry commit or roll back together. Secret-looking fields never reach old/new values.
 *
 * @module
 */
import type { Context } from "hono";
import type { Queryable } from "../stores/relational/port.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { clientIp } from "../http/client_ip.ts";

// Names of secrets, not every column that mentions one: `daily_token_limit` and
// `total_tokens_used` are business figures an auditor needs to see.
const SECRET_FIELD =
  /(^|_)(password|passwd|secret|api_?key|private_key)(_|$)|_hash$|^(access_|refresh_|reset_)?token$/i;

/** The role AI agents' service accounts hold (agents.user_id names the account). */
export const AGENT_ROLE = "agente_ia";

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId: string | null;
  oldValues?: Record<string, unknown> | null;
  newValues?: Record<string, unknown> | null;
}

/** Who did it and from where; taken from the request by `auditActor`. */
export interface AuditActor {
  userId: string | null;
  /** The agent acting, when the caller names it (a run recorded for that agent). */
  agentId?: string | null;
  /**
   * The caller holds AGENT_ROLE: without an agentId, the row names the agent whose service
   * account (agents.user_id) userId is, if there is one.
   */
  agentAccount?: boolean;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  /** The caller's session (refresh-token family), when the access token names one. */
  sessionId?: string | null;
}

/** camelCase keys (common inside JSON columns) are judged as their snake_case form. */
export const isSecretKey = (key: string) =>
  SECRET_FIELD.test(key.replace(/([a-z0-9])([A-Z])/g, "$1_$2")) || /^authorization$/i.test(key);

/** Nesting deeper than this is cut off rather than walked (a JSON column can be anything). */
const MAX_DEPTH = 16;

function scrubValue(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  if (depth >= MAX_DEPTH) return "[too deep]";
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretKey(k) ? "[redacted]" : scrubValue(v, depth + 1);
  }
  return out;
}

/**
 * Copies `values` with secret fields replaced by "[redacted]", at any depth: JSON columns such
 * as agents.config or leads.metadata may hold an api_key of their own.
 */
export function scrub(values: Record<string, unknown> | null | undefined) {
  if (!values) return null;
  return scrubValue(values, 0) as Record<string, unknown>;
}

const IP = /^[0-9a-fA-F:.]{2,45}$/;

/** The actor of the current request: principal, client IP, user agent and request id. */
export function auditActor(c: Context<AppEnv>, clientIp: string | null): AuditActor {
  const principal = c.get("principal");
  return {
    userId: principal?.userId ?? null,
    agentAccount: principal?.roles.includes(AGENT_ROLE) ?? false,
    ip: clientIp && IP.test(clientIp) ? clientIp : null,
    userAgent: c.req.header("User-Agent")?.slice(0, 500) ?? null,
    requestId: c.get("requestId") ?? null,
    sessionId: principal?.sessionId ?? null,
  };
}

/** `auditActor` for the current request, reading the client address as the config says. */
export function requestActor(c: Context<AppEnv>, deps: Pick<Deps, "config">): AuditActor {
  return auditActor(c, clientIp(c, deps.config.trustProxy));
}

/**
 * Inserts the audit row with `tx`, the transaction that made the change. An agent account's agent
 * is looked up by the insert itself (a unique-index probe, no extra round trip), and only for
 * agent accounts; it is whatever the link is in this transaction, never a cached copy.
 */
export async function recordAudit(tx: Queryable, actor: AuditActor, entry: AuditEntry) {
  await tx.query(
    `insert into audit_logs
       (user_id, agent_id, action, resource_type, resource_id, old_values, new_values,
        ip_address, user_agent, request_id, session_id)
     values ($1::uuid,
             coalesce($2::uuid, case when $11::boolean
               then (select a.id from agents a where a.user_id = $1::uuid) end),
             $3, $4, $5, $6, $7, $8::inet, $9, $10, $12)`,
    [
      actor.userId,
      actor.agentId ?? null,
      entry.action,
      entry.resourceType,
      entry.resourceId,
      scrub(entry.oldValues),
      scrub(entry.newValues),
      actor.ip,
      actor.userAgent,
      actor.requestId,
      (actor.agentAccount ?? false) && actor.userId !== null,
      actor.sessionId ?? null,
    ],
    { name: "audit_insert" },
  );
}

/**
 * The audit row of a row just created, as the last part of the creating statement
 * (`with ins as (insert ... returning *), audit as (<this>) select * from ins`): the change and
 * its audit row then go in one round trip and commit together without a transaction block.
 * `newValues` is the SQL of the row's audit JSON, which the caller builds so that it reads as
 * `recordAudit` would have written it (the caller also vouches that nothing needs scrubbing).
 * `add` binds a value and returns its placeholder.
 */
export function auditCreatedSql(
  add: (value: unknown) => string,
  actor: AuditActor,
  resourceType: string,
  source: string,
  newValues: string,
): string {
  const user = `${add(actor.userId)}::uuid`;
  const agentAccount = (actor.agentAccount ?? false) && actor.userId !== null;
  return `insert into audit_logs
       (user_id, agent_id, action, resource_type, resource_id, old_values, new_values,
        ip_address, user_agent, request_id, session_id)
     select ${user},
            coalesce(${add(actor.agentId ?? null)}::uuid, case when ${add(agentAccount)}::boolean
              then (select a.id from agents a where a.user_id = ${user}) end),
            'create', ${add(resourceType)}, ${source}.id, null, ${newValues},
            ${add(actor.ip)}::inet, ${add(actor.userAgent)}, ${add(actor.requestId)},
            ${add(actor.sessionId ?? null)}
       from ${source}`;
}
