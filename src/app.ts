// createApp(stores, config): the whole HTTP API as a Hono app with no module-level state, so tests
// build as many apps as they like and the same app runs on any Web-standard runtime.
import { swaggerUI } from "@hono/swagger-ui";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import type { Config } from "./config.ts";
import { AppError } from "./errors.ts";
import { createLogger, type Logger } from "./log.ts";
import { accessLog } from "./http/access_log.ts";
import { errorHandler, notFoundHandler } from "./http/errors.ts";
import { type Authenticator, guard } from "./http/guard.ts";
import { createHttpMetrics } from "./http/metrics.ts";
import { createRouter } from "./http/openapi.ts";
import { withStandardResponses } from "./http/openapi_document.ts";
import { rateLimit } from "./http/rate_limit.ts";
import { requestId } from "./http/request_id.ts";
import { utf8Body } from "./http/utf8_body.ts";
import { contentSecurityPolicy } from "./http/csp.ts";
import { joinPermissionTables, SYSTEM_PERMISSIONS } from "./http/route_permissions.ts";
import type { Deps } from "./http/types.ts";
import { createAuthenticator } from "./auth/authenticate.ts";
import { accessClaims } from "./auth/access_claims.ts";
import { refreshTokenOwner } from "./auth/refresh_tokens.ts";
import { createTokenService, type TokenService } from "./auth/tokens.ts";
import { systemRoutes } from "./system/routes.ts";
import { SIGNED_URL_MOUNT, signedUrlRouter } from "./files/signed_url_routes.ts";
import { DOMAINS } from "./domains.ts";
import type { Stores } from "./stores/types.ts";
import { ReadThroughCache } from "./caching/read_through.ts";
import { drainOutbox, recordInvalidation } from "./caching/invalidation_outbox.ts";
import { GrantsMemo } from "./auth/grants_memo.ts";

export interface AppOptions {
  logger?: Logger;
  now?: () => number;
  tokens?: TokenService;
  /** Replaces the token authenticator (tests of the guard itself). */
  authenticate?: Authenticator;
}

/** Builds the API over `stores`; `config.auth.jwtSecret` must be set (main.ts ensures it). */
export function createApp(stores: Stores, config: Config, options: AppOptions = {}) {
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
    now: options.now ?? Date.now,
  };
  const metrics = createHttpMetrics();
  const permissions = joinPermissionTables(
    SYSTEM_PERMISSIONS,
    ...DOMAINS.map((d) => d.permissions),
  );

  const app = createRouter();
  app.onError(errorHandler(log));
  app.notFound(notFoundHandler(() => app.routes));

  app.use("*", requestId());
  app.use("*", accessLog(log));
  app.use("*", metrics.middleware);
  app.use("*", secureHeaders());
  app.use("*", contentSecurityPolicy(["/docs"]));
  app.use(
    "*",
    cors({
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
    }),
  );
  app.use(
    "*",
    bodyLimit({
      maxSize: config.bodyLimitBytes,
      onError: () => {
        throw new AppError(413, "payload_too_large", "Payload too large", {
          detail: `The request body exceeds ${config.bodyLimitBytes} bytes`,
        });
      },
    }),
  );
  app.use("*", utf8Body([`${SIGNED_URL_MOUNT}/`]));
  app.use(
    "*",
    rateLimit({
      cache: stores.cache,
      limits: config.rateLimits,
      trustProxy: config.trustProxy,
      log,
      identify: async (c) => (await accessClaims(c, deps.tokens))?.sub ?? null,
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
