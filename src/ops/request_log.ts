/**
 * Seed 001's api_request_logs: a sample of requests written to the documents store (30-day TTL
 * index), after the response, never holding headers, query strings, bodies or tokens. A documents
 * outage only costs the sample.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../http/types.ts";
import type { Logger } from "../log.ts";
import type { DocumentStore } from "../stores/documents/port.ts";

export const REQUEST_LOGS = "api_request_logs";
export const REQUEST_LOG_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface RequestLogOptions {
  documents: DocumentStore;
  /** Fraction of requests kept, 0 (off) to 1. */
  sampleRate: number;
  log: Logger;
  now: () => number;
  /** Random in [0, 1); injectable for tests. */
  random?: () => number;
}

/** The middleware; a no-op when the sample rate is 0. */
export function requestLogSampler(options: RequestLogOptions): MiddlewareHandler<AppEnv> {
  const random = options.random ?? Math.random;
  let indexed: Promise<void> | undefined;
  const ensureIndex = () =>
    indexed ??= options.documents.collection(REQUEST_LOGS).createIndex({
      keys: { timestamp: 1 },
      name: "ttl_timestamp",
      expireAfterSeconds: REQUEST_LOG_TTL_SECONDS,
    }).catch((err) => {
      indexed = undefined;
      throw err;
    });
  return async function requestLog(c, next) {
    const started = performance.now();
    await next();
    if (options.sampleRate <= 0 || random() >= options.sampleRate) return;
    const doc = {
      timestamp: new Date(options.now()),
      method: c.req.method,
      // The path only: a query string may carry a signed URL's signature or a token.
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      request_id: c.get("requestId") ?? null,
      user_id: c.get("principal")?.userId ?? null,
    };
    void ensureIndex()
      .then(() => options.documents.collection(REQUEST_LOGS).insertOne(doc))
      .catch((err) => options.log.debug("request log not written", { error: String(err) }));
  };
}
