/**
 * The files domain: files attached to records in the standard buckets, uploaded and downloaded
 * by signed URL, and a sweep (one instance at a time) for lifecycle, deletions and orphans.
 *
 * @module
 */
import type { Domain } from "../http/domain.ts";
import { ensureStandardBuckets } from "../stores/objects/buckets.ts";
import { FILES_PERMISSIONS } from "./route_permissions.ts";
import { filesRoutes } from "./routes.ts";
import { sweepFiles } from "./sweep.ts";

export const filesDomain: Domain = {
  name: "files",
  mount: "/api/v1",
  permissions: FILES_PERMISSIONS,
  routes: filesRoutes,
  async jobs(deps) {
    // Idempotent: every instance may make sure the buckets and their rules are there.
    await ensureStandardBuckets(deps.stores.objects);
    const sweepDeps = {
      db: deps.stores.relational,
      objects: deps.stores.objects,
      cache: deps.stores.cache,
      log: deps.log,
    };
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = sweepFiles(sweepDeps, deps.now(), { removeOrphans: true }).catch((err) =>
        deps.log.warn("files sweep failed", { error: String(err) })
      );
    }, deps.config.files.sweepEveryMs);
    Deno.unrefTimer(timer);
    return async () => {
      clearInterval(timer);
      await running;
    };
  },
};
