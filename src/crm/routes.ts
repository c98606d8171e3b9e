// The crm routes, mounted under /api/v1 by createApp.
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";

export function crmRoutes(_deps: Deps) {
  const app = createRouter();
  return app;
}
