/**
 * createApp(stores, config): the whole HTTP API as a Hono app with no module-level state, so tests
 * build as many apps as they like and the same app runs on any Web-standard runtime.
 *
 * @module
 */
import { swaggerUI } from "@hono/swagger-ui";
import type { Config } from "./config.ts";
import { createLogger, type Logger } from "./log.ts";
import { accessLog } from "./http/access_log.ts";
import { errorHandler, methodChecks, notFoundHandler } from "./http/errors.ts";
import { type Authenticator, guard } from "./http/guard.ts";
import { createHttpMetrics } from "./http/metrics.ts";
import { instrumentStores } from "./stores/instrument.ts";
import { createStoreMetrics, registerOpsGauges, rememberCacheRate } from "./ops/metrics.ts";
import { opsContextFromDeps } from "./ops/context.ts";
import { requestLogSampler } from "./ops/request_log.ts";
import { createRouter } from "./http/openapi.ts";
import { withStandardResponses } from "./http/openapi_document.ts";
import { rateLimit } from "./http/rate_limit.ts";
import { observeRequests } from "./http/observe.ts";
import { bodyChecks } from "./http/body_checks.ts";
import { answerHeaderSteps } from "./http/answer_headers.ts";
import { joinPermissionTables, SYSTEM_PERMISSIONS } from "./http/route_permissions.ts";
import type { Deps } from "./http/types.ts";
import {
  accessClaims,
  AccountMemo,
  createAuthenticator,
  createTokenService,
  GrantsMemo,
  refreshTokenOwner,
  type TokenService,
} from "./auth/mod.ts";
import { systemRoutes } from "./system/routes.ts";
import { SIGNED_URL_MOUNT, signedUrlRouter } from "./files/signed_url_routes.ts";
import { isStreamedUpload } from "./files/streamed_uploads.ts";
import { DOMAINS } from "./domains.ts";
import type { Stores } from "./stores/types.ts";
import { ReadThroughCache } from "./caching/read_through.ts";
import { drainOutbox, recordInvalidation } from "./caching/invalidation_outbox.ts";
import { BackupsInFlight } from "./ops/backup/in_flight.ts";

export interface AppOptions {
  logger?: Logger;
  now?: () => number;
  tokens?: TokenService;
  /** Replaces the token authenticator (tests of the guard itself). */
  authenticate?: Authenticator;
}

/**
 * Builds the API over `stores`; `config.auth.jwtSecret` must be set (main.ts ensures it).
 *
 * @example
 * ```ts
 * import { createApp } from "./app.ts";
 * import { loadConfig } from "./config.ts";
 * import { createLogger } from "./log.ts";
 * import { openStores } from "./stores/mod.ts";
 * const config = loadConfig(Deno.env.toObject());
 * const stores = await openStores(config, createLogger("info"), { signingKey: "dev-key" });
 * const app = createApp(stores, { ...config, auth: { ...config.auth, jwtSecret: "x".repeat(32) } });
 * const res = await app.request("/health"); // 200 {"status":"ok"}
 * Deno.serve((req, info) => app.fetch(req, info)); // the client address reaches the app as env
 * ```
 */
export function createApp(rawStores: Stores, config: Config, options: AppOptions = {}) {
  // Every store call is timed and counted (by port and operation) for /metrics.
  const metrics = createHttpMetrics();
  const storeMetrics = createStoreMetrics(metrics.registry);
  const stores = instrumentStores(rawStores, storeMetrics.observe);
  rememberCacheRate(stores, storeMetrics.cacheRate);
  const secret = config.auth.jwtSecret;
  if (!secret) throw new Error("createApp needs config.auth.jwtSecret");
  const log = options.logger ?? createLogger(config.logLevel);
  const cached = new ReadThroughCache(stores.cache, log);
  // After a cache failure, what other instances may owe is applied before entries are trusted;
  // an invalidation this instance cannot apply is written where every instance will apply it.
  cached.setOutbox({
    settle: async () => {
      await drainOutbox({ db: stores.relational, cache: stores.cache, cached, log });
    },
    owe: async (namespace, drop) => {
      // A prefix is not carried: the new generation already hides those entries; they expire.
      await recordInvalidation(stores.relational, { namespace, dropKeys: [...drop.keys ?? []] });
    },
  });
  const deps: Deps = {
    stores,
    config,
    log,
    tokens: options.tokens ?? createTokenService(secret),
    cached,
    grants: new GrantsMemo(),
    accounts: new AccountMemo(),
    now: options.now ?? Date.now,
    backups: new BackupsInFlight(),
  };
  registerOpsGauges(metrics.registry, opsContextFromDeps(deps));
  const permissions = joinPermissionTables(
    SYSTEM_PERMISSIONS,
    ...DOMAINS.map((d) => d.permissions),
  );

  const app = createRouter();
  const onError = errorHandler(log);
  app.onError(onError);
  app.notFound(notFoundHandler());

  // 405s and the answer headers run inside the outer layer: a layer of their own each would cost
  // two promises per request apiece (docs/bench.md, eleventh round).
  app.use(
    "*",
    observeRequests(accessLog(log), metrics, {
      steps: [
        answerHeaderSteps({
          pages: ["/docs"],
          cors: {
            origin: config.corsOrigins,
            allowHeaders: ["Authorization", "Content-Type", "If-Match", "X-Request-Id"],
            exposeHeaders: [
              "X-Request-Id",
              "ETag",
              "Location",
              "RateLimit-Limit",
              "RateLimit-Remaining",
              "RateLimit-Reset",
              "Retry-After",
            ],
            maxAge: 600,
          },
        }),
        methodChecks(app),
      ],
      onError,
    }),
  );
  // A sample of 0 keeps nothing: the layer is left out rather than run for nothing.
  if (config.ops.requestLogSample > 0) {
    app.use(
      "*",
      requestLogSampler({
        documents: stores.documents,
        sampleRate: config.ops.requestLogSample,
        log,
        now: deps.now,
      }),
    );
  }
  app.use(
    "*",
    bodyChecks({
      maxBytes: config.bodyLimitBytes,
      streamedUpload: isStreamedUpload,
      bytesUnder: [`${SIGNED_URL_MOUNT}/`],
    }),
  );
  app.use(
    "*",
    rateLimit({
      cache: stores.cache,
      limits: config.rateLimits,
      trustProxy: config.trustProxy,
      log,
      identify: (c) => {
        const claims = accessClaims(c, deps.tokens);
        return claims instanceof Promise
          ? claims.then((found) => found?.sub ?? null)
          : claims?.sub ?? null;
      },
      refreshOwner: (token) => refreshTokenOwner(stores.relational, token),
    }),
  );
  app.use("*", guard(permissions, options.authenticate ?? createAuthenticator(deps)));

  app.route("/", systemRoutes(deps, metrics.registry));
  app.route(SIGNED_URL_MOUNT, signedUrlRouter(stores.objects));
  for (const domain of DOMAINS) app.route(domain.mount, domain.routes(deps));

  // Generated once, on first ask, from every route's zod definitions plus the standard answers.
  let document: object | undefined;
  app.get("/openapi.json", (c) => {
    document ??= withStandardResponses(app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: {
        title: "polystore API",
        version: "0.1.0",
        description: "One HTTP API over relational, document, graph, cache and object stores.",
      },
    }));
    return c.json(document);
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));

  return Object.assign(app, { deps, permissions });
}

export type App = ReturnType<typeof createApp>;
