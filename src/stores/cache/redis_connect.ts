/**
 * Connecting to Redis for the cache adapter: standalone, Sentinel or Cluster clients that fail
 * fast (no offline queue, one retry per request) and reconnect in the background with a short
 * ceiling, and the waits on their first attempt and on readiness.
 *
 * @module
 */
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { StoreError } from "../errors.ts";
import { withTimeout } from "../resilience.ts";
import type { RedisTarget } from "./redis_url.ts";

/** One connection, whichever the topology. */
export type Client = Redis | Cluster;

/** Reconnect delay ceiling: short, so a returning Redis is seen again within a few seconds. */
const MAX_RECONNECT_DELAY_MS = 2000;

/** The error every call answers while the cache cannot be reached. */
export function unavailable(message: string): StoreError {
  return new StoreError("unavailable", "cache", `cache unavailable: ${message}`);
}

/** Resolves at the first sign of how connecting goes: ready, an error, or `ms` passing. */
export function firstAttempt(client: Client, ms: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  let settle = () => {};
  const outcome = new Promise<void>((resolve) => {
    settle = () => resolve();
    for (const event of ["ready", "error", "end"]) client.once(event, settle);
  });
  return withTimeout("cache", ms, outcome, "connect").catch(() => {}).finally(() => {
    for (const event of ["ready", "error", "end"]) client.off(event, settle);
  });
}

function reconnectDelay(times: number): number {
  return Math.min(50 * 2 ** Math.min(times, 10), MAX_RECONNECT_DELAY_MS);
}

export function connect(target: RedisTarget, timeoutMs: number): Client {
  const common = {
    lazyConnect: false,
    connectTimeout: timeoutMs,
    // No commandTimeout: every command already runs under the adapter's own timeout (#guard),
    // and ioredis's arms a node:timers Timeout per command (~4 us each in the profile; a signed-in
    // cached read sends three commands).
    maxRetriesPerRequest: 1,
    // Commands issued in the same tick (a request's revocation, grants and generation look-ups)
    // go out as one pipeline: one write and one read instead of one each.
    enableAutoPipelining: true,
  } satisfies RedisOptions;
  if (target.kind === "standalone") {
    return new Redis(target.url, {
      ...common,
      enableOfflineQueue: false,
      retryStrategy: reconnectDelay,
    });
  }
  const tls = target.tls ? {} : undefined;
  if (target.kind === "sentinel") {
    return new Redis({
      ...common,
      sentinels: target.sentinels,
      name: target.name,
      db: target.db,
      username: target.username,
      password: target.password,
      tls,
      enableTLSForSentinelMode: target.tls,
      enableOfflineQueue: false,
      retryStrategy: reconnectDelay,
    });
  }
  return new Cluster(target.nodes, {
    lazyConnect: false,
    enableAutoPipelining: true,
    enableOfflineQueue: false,
    clusterRetryStrategy: reconnectDelay,
    redisOptions: { ...common, username: target.username, password: target.password, tls },
  });
}

/** Resolves when `client` is ready; rejects after `ms` or when it has been closed for good. */
export function waitReady(client: Client, ms: number): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  if (client.status === "end") return Promise.reject(unavailable("connection closed"));
  let onReady = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = () => resolve();
    client.once("ready", onReady);
  });
  return withTimeout("cache", ms, ready, "connect").finally(() => client.off("ready", onReady));
}
