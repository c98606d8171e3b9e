/**
 * User activity trail in the documents store (user_activity_logs): sign-ins, failures, logouts,
 * refresh-token reuse, password and role changes. Best effort: an outage is logged, never raised.
 *
 * @module
 */
import type { AuditActor } from "../../audit/record.ts";
import type { Logger } from "../../log.ts";
import type { DocumentStore } from "../../stores/documents/port.ts";
import { withTimeout } from "../../stores/resilience.ts";

export const ACTIVITY_COLLECTION = "user_activity_logs";

export type ActivityAction =
  | "register"
  | "login"
  | "login_failed"
  | "logout"
  | "refresh_reuse"
  | "password_change"
  | "session_revoked"
  | "role_granted"
  | "role_revoked"
  | "company_linked"
  | "company_unlinked";

export interface ActivityEntry {
  /** Whose activity it is (the account signed in, or whose roles changed); null when unknown. */
  userId: string | null;
  action: ActivityAction;
  /** Who acted and from where (the request). */
  actor: AuditActor;
  /** Extra fields stored beside the standard ones (never secrets). */
  details?: Record<string, unknown>;
}

export interface ActivityLog {
  /** Writes one activity document; resolves even when the documents store is down. */
  record(entry: ActivityEntry): Promise<void>;
}

/** How long a sign-in may wait on the activity write before going on without it. */
const WRITE_BUDGET_MS = 1000;

/**
 * The activity log of one app. The collection's index is created on first use, and retried on a
 * later write when that fails.
 */
export function createActivityLog(deps: {
  documents: DocumentStore;
  log: Logger;
  now: () => number;
}): ActivityLog {
  let indexed: Promise<void> | undefined;
  const collection = () => deps.documents.collection(ACTIVITY_COLLECTION);
  const ensureIndex = () => {
    indexed ??= collection().createIndex({
      keys: { user_id: 1, at: -1 },
      name: "user_activity_user_at",
    }).catch((err) => {
      indexed = undefined;
      throw err;
    });
    return indexed;
  };
  return {
    async record(entry) {
      const doc = {
        ...entry.details,
        user_id: entry.userId,
        action: entry.action,
        actor_id: entry.actor.userId,
        ip: entry.actor.ip,
        user_agent: entry.actor.userAgent,
        request_id: entry.actor.requestId,
        at: new Date(deps.now()),
      };
      try {
        await withTimeout(
          "documents",
          WRITE_BUDGET_MS,
          ensureIndex().then(() => collection().insertOne(doc)),
          "activity write",
        );
      } catch (err) {
        deps.log.warn("user activity not recorded", {
          action: entry.action,
          user_id: entry.userId,
          request_id: entry.actor.requestId,
          error: err instanceof Error ? err.message : String(err),
        });
      }
    },
  };
}
