/**
 * Every API domain, listed flat: `createApp` mounts each one's routes and joins their permission
 * slices; `startDomainJobs` starts their background work. A new domain is one line here.
 *
 * @example
 * ```ts
 * // What src/notes/mod.ts would export; listing it in DOMAINS below is the whole registration.
 * import type { Domain } from "./http/domain.ts";
 * import { createRouter } from "./http/openapi.ts";
 * export const notesDomain: Domain = {
 *   name: "notes",
 *   mount: "/api/v1",
 *   permissions: { "GET /api/v1/notes": "user" },
 *   routes: () => {
 *     const app = createRouter();
 *     app.get("/notes", (c) => c.json({ items: [], next_cursor: null }));
 *     return app;
 *   },
 * };
 * ```
 * @module
 */
import type { Domain } from "./http/domain.ts";
import type { Deps } from "./http/types.ts";
import { authDomain } from "./auth/mod.ts";
import { crmDomain } from "./crm/mod.ts";
import { filesDomain } from "./files/mod.ts";
import { reportsDomain } from "./reports/mod.ts";
import { usersDomain } from "./users/mod.ts";
import { dashboardsDomain } from "./dashboards/mod.ts";
import { agentRunsDomain } from "./agent_runs/mod.ts";
import { insightsDomain } from "./insights/mod.ts";
import { opsDomain } from "./ops/mod.ts";

export const DOMAINS: readonly Domain[] = [
  authDomain,
  usersDomain,
  crmDomain,
  reportsDomain,
  dashboardsDomain,
  agentRunsDomain,
  filesDomain,
  insightsDomain,
  opsDomain,
];

/** Starts every domain's jobs; the returned function stops them all (in reverse order). */
export async function startDomainJobs(
  deps: Deps,
  domains: readonly Domain[] = DOMAINS,
): Promise<() => Promise<void>> {
  const stops: (() => Promise<void>)[] = [];
  for (const domain of domains) {
    if (domain.jobs) stops.push(await domain.jobs(deps));
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
