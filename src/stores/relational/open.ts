/**
 * Picks the relational adapter from config: DATABASE_URL postgres://… means npm:pg, memory://
 * means a throwaway PGlite, and no URL means PGlite in $DATA_DIR/pg; PGlite runs on its own thread
 * (pglite_supervisor.ts).
 *
 * @module
 */
import type { Config } from "../../config.ts";
import type { Logger } from "../../log.ts";
import type { RelationalStore } from "./port.ts";

export async function openRelational(config: Config, log: Logger): Promise<RelationalStore> {
  const url = config.relational.url;
  const pglite = { sharedBuffersMb: config.relational.pgliteSharedBuffersMb };
  // Only the driver in use is loaded (see openStores).
  if (url === undefined || url.startsWith("memory://")) {
    const { openSupervisedPglite } = await import("./pglite_supervisor.ts");
    return await openSupervisedPglite(url === undefined ? `${config.dataDir}/pg` : "memory://", {
      ...pglite,
      statementTimeoutMs: config.relational.statementTimeoutMs,
      warn: (message, fields) => log.warn(message, fields),
    });
  }
  const { openPg } = await import("./pg.ts");
  return await openPg({
    url,
    listenUrl: config.relational.listenUrl,
    poolSize: config.relational.poolSize,
    pipelineLanes: config.relational.pipelineLanes,
    pipelineStallMs: config.relational.pipelineStallMs,
    idleTimeoutMs: config.relational.idleTimeoutMs,
    statementTimeoutMs: config.relational.statementTimeoutMs,
    connectTimeoutMs: config.storeTimeoutMs,
    connectAttempts: 8,
    onRetry: (err, attempt, delayMs) =>
      log.warn("relational store not ready; retrying", {
        attempt,
        delay_ms: delayMs,
        error: err instanceof Error ? err.message : String(err),
      }),
  });
}
