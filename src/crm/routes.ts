/**
 * The CRM/ERP routes, mounted under /api/v1 by createApp: one generated set of CRUD routes per
 * registry resource, plus marking a notification read.
 *
 * @module
 */
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";
import { registerMarkRead } from "./notifications.ts";
import { RESOURCES } from "./registry/mod.ts";
import { registerResource } from "./routes_factory.ts";

/** Builds the router; routes are registered in registry order. */
export function crmRoutes(deps: Deps) {
  const app = createRouter();
  for (const res of RESOURCES) registerResource(app, deps, res);
  registerMarkRead(app, deps);
  return app;
}
