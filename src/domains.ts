/**
 * Every API domain, listed flat: `createApp` mounts each one's routes and joins their permission
 * slices; `startDomainJobs` starts their background work. A new domain is one line here.
 *
 * @module
 */
import type { Domain } from "./http/domain.ts";
import type { Deps } from "./http/types.ts";
import { authDomain } from "./auth/mod.ts";
import { crmDomain } from "./crm/mod.ts";
import { reportsDomain } from "./reports/mod.ts";
import { opsDomain } from "./ops/mod.ts";

export const DOMAINS: readonly Domain[] = [
  authDomain,
  crmDomain,
  reportsDomain,
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
