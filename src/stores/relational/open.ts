/**
 * Picks the relational adapter from config: DATABASE_URL postgres://… means npm:pg, memory://
 * means a throwaway PGlite, and no URL means PGlite in $DATA_DIR/pg.
 *
 * @module
 */
import type { Config } from "../../config.ts";
import type { Logger } from "../../log.ts";
import { openPg } from "./pg.ts";
import { openPglite } from "./pglite.ts";
import type { RelationalStore } from "./port.ts";

export function openRelational(config: Config, log: Logger): Promise<RelationalStore> {
  const url = config.relational.url;
  const pglite = { sharedBuffersMb: config.relational.pgliteSharedBuffersMb };
  if (url === undefined) return openPglite(`${config.dataDir}/pg`, pglite);
  if (url.startsWith("memory://")) return openPglite("memory://", pglite);
  return openPg({
    url,
    listenUrl: config.relational.listenUrl,
    poolSize: config.relational.poolSize,
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
