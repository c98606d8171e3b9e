// Stores that fail every call the way a dead server does, for tests of one instance losing a store
// while the others (over the real stores) keep it.
import type { CacheStore } from "../../src/stores/cache/port.ts";
import { StoreError } from "../../src/stores/errors.ts";

/** Rejects as an unreachable `role` store does. */
export const down = (role: "cache" | "documents") => () =>
  Promise.reject(new StoreError("unavailable", role, "connection refused"));

/** A cache whose every call fails as a dead Redis does. */
export function deadCache(real: CacheStore): CacheStore {
  return new Proxy(real, {
    get(target, prop) {
      if (prop === "adapter") return target.adapter;
      return down("cache");
    },
  });
}
