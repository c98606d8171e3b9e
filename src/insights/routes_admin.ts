/**
 * Admin routes over the documents/graph consistency of insights: the report and the repair.
 * @module
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { requestActor } from "../audit/record.ts";
import { recordAudit } from "../audit/record.ts";
import type { AppEnv, Deps } from "../http/types.ts";
import { json, problems, security } from "../shared/openapi.ts";
import { consistencyReport, repairConsistency } from "./consistency.ts";
import { ConsistencyReportSchema, RepairResultSchema } from "./schemas.ts";

const tags = ["admin"];

const report = createRoute({
  method: "get",
  path: "/admin/consistency",
  tags,
  summary: "Outbox backlog and drift between insight documents and the graph",
  security,
  responses: { 200: json(ConsistencyReportSchema, "The report"), ...problems(401, 403, 503) },
});

const repair = createRoute({
  method: "post",
  path: "/admin/consistency/repair",
  tags,
  summary: "Applies the outbox and re-projects what drifted; answers the report after",
  security,
  responses: { 200: json(RepairResultSchema, "What was repaired"), ...problems(401, 403, 503) },
});

export function adminConsistencyRoutes(app: OpenAPIHono<AppEnv>, deps: Deps) {
  app.openapi(report, async (c) => c.json(await consistencyReport(deps.stores), 200));

  app.openapi(repair, async (c) => {
    const result = await repairConsistency(deps.stores, deps.log);
    await recordAudit(deps.stores.relational, requestActor(c, deps), {
      action: "repair",
      resourceType: "insights_consistency",
      resourceId: null,
      newValues: { repaired: result.repaired, drift: result.report.drift },
    });
    return c.json(result, 200);
  });
}
