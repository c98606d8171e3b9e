/**
 * openStores(config): picks each role's adapter from its variable (set: the server, unset: the
 * embedded one), connects with retries, and returns the Stores bundle with one close().
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { openMemoryCache } from "./cache/memory.ts";
import { openPostgresDocuments } from "./documents/postgres.ts";
import { openPostgresGraph } from "./graph/postgres.ts";
import { openFolderObjects } from "./objects/folder.ts";
import { retry } from "./resilience.ts";
import { openRelational } from "./relational/open.ts";
import type { Stores } from "./types.ts";
import type { RelationalStore } from "./relational/port.ts";

export type { Stores } from "./types.ts";

export interface OpenStoresOptions {
  /** Key for the folder adapter's signed URLs; main.ts passes the JWT secret. */
  signingKey: string;
  /**
   * An already open relational store to use instead of opening one from config; the caller keeps
   * ownership (close() leaves it open). Tests share one PGlite this way.
   */
  relational?: RelationalStore;
}

/**
 * Opens all five stores. Server drivers are imported only for the roles that name a server (the
 * five cost ~70 MB resident when loaded, which an embedded instance need not pay). A server that refuses at start is retried with backoff; if it still
 * refuses, the stores opened so far are closed and the error propagates (start-up fails loudly
 * rather than serving half an API).
 *
 * @example
 * ```ts
 * import { loadConfig } from "../config.ts";
 * import { createLogger } from "../log.ts";
 * import { openStores } from "./mod.ts";
 * // No server variables set: PGlite, JSONB documents, graph tables, in-process cache, a folder.
 * const stores = await openStores(loadConfig(Deno.env.toObject()), createLogger("info"), { signingKey: "dev-key" });
 * console.log((await stores.relational.query("select 1 as one")).rows);
 * await stores.close();
 * ```
 */
export async function openStores(
  config: Config,
  log: Logger,
  options: OpenStoresOptions,
): Promise<Stores & { close(): Promise<void> }> {
  const opened: { close(): Promise<void> }[] = [];
  const connect = <T>(role: string, fn: () => Promise<T>) =>
    retry(fn, {
      attempts: 5,
      baseDelayMs: 250,
      maxDelayMs: 4000,
      onRetry: (err, attempt, delayMs) =>
        log.warn(`${role} store not ready; retrying`, {
          attempt,
          delay_ms: delayMs,
          error: err instanceof Error ? err.message : String(err),
        }),
    });
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    opened.push(store);
    return store;
  };
  try {
    const timeoutMs = config.storeTimeoutMs;
    const relational = options.relational ?? track(await openRelational(config, log));
    const documents = track(
      config.documents.url
        ? await connect(
          "documents",
          async () =>
            (await import("./documents/mongo.ts")).openMongoDocuments({
              url: config.documents.url!,
              db: config.documents.db,
              timeoutMs,
            }),
        )
        : await openPostgresDocuments(relational),
    );
    const graph = track(
      config.graph.url
        ? await connect("graph", async () =>
          (await import("./graph/neo4j.ts")).openNeo4jGraph({
            url: config.graph.url!,
            user: config.graph.user,
            password: config.graph.password,
            timeoutMs,
          }))
        : await openPostgresGraph(relational),
    );
    const cache = track(
      config.cache.url
        ? await connect(
          "cache",
          async () =>
            (await import("./cache/redis.ts")).openRedisCache({
              url: config.cache.url!,
              timeoutMs,
              log,
            }),
        )
        : openMemoryCache({ log }),
    );
    const objects = track(
      config.objects.endpoint
        ? await connect(
          "objects",
          async () =>
            (await import("./objects/minio.ts")).openMinioObjects({
              endpoint: config.objects.endpoint!,
              accessKey: config.objects.accessKey,
              secretKey: config.objects.secretKey,
              region: config.objects.region,
              timeoutMs,
            }),
        )
        : await openFolderObjects({
          root: `${config.dataDir}/objects`,
          signingKey: options.signingKey,
          publicUrl: config.publicUrl,
        }),
    );
    return {
      relational,
      documents,
      graph,
      cache,
      objects,
      async close() {
        // Dependents first: the embedded documents and graph adapters sit on the relational one.
        const owned = options.relational ? [] : [relational];
        for (const store of [objects, cache, graph, documents, ...owned]) {
          await store.close().catch((err) =>
            log.warn("store close failed", { error: String(err) })
          );
        }
      },
    };
  } catch (err) {
    for (const store of opened.reverse()) await store.close().catch(() => {});
    throw err;
  }
}
