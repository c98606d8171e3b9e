// The auth routes, mounted under /api/v1 by createApp.
import { createRouter } from "../http/openapi.ts";
import type { Deps } from "../http/types.ts";

export function authRoutes(_deps: Deps) {
  const app = createRouter();
  return app;
}
