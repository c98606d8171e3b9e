/**
 * The insights domain (seeds 000 and 002): insight documents, their graph projection through an
 * outbox, processing, relationships, mind map, suggestions, stats and the consistency admin.
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { indexesOnce } from "./documents.ts";
import { startInsightJobs } from "./jobs.ts";
import { INSIGHTS_PERMISSIONS } from "./route_permissions.ts";
import { adminConsistencyRoutes } from "./routes_admin.ts";
import { insightRoutes } from "./routes_insights.ts";
import { relationshipRoutes } from "./routes_relationships.ts";
import { suggestionRoutes } from "./routes_suggestions.ts";
import type { InsightCtx } from "./service.ts";

export { consistencyReport, repairConsistency } from "./consistency.ts";
export type { ConsistencyReport, RepairResult } from "./consistency.ts";

/** The per-app context the insight services share. */
export function insightCtx(deps: Pick<Deps, "stores" | "cached" | "now">): InsightCtx {
  return {
    stores: deps.stores,
    cached: deps.cached,
    now: deps.now,
    ready: indexesOnce(deps.stores.documents),
  };
}

export const insightsDomain: Domain = {
  name: "insights",
  mount: "/api/v1",
  permissions: INSIGHTS_PERMISSIONS,
  routes(deps) {
    const app = createRouter();
    const ctx = insightCtx(deps);
    insightRoutes(app, deps, ctx);
    relationshipRoutes(app, deps, ctx);
    suggestionRoutes(app, deps, ctx);
    adminConsistencyRoutes(app, deps);
    return app;
  },
  jobs: (deps) => startInsightJobs(deps),
};
