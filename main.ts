// polystore entry point: config -> stores -> migrations -> Deno.serve, and on SIGINT/SIGTERM stop
// accepting, drain in-flight requests (src/http/serve.ts), then close the stores.
import { createApp } from "./src/app.ts";
import { startGenerationSync } from "./src/caching/generation_sync.ts";
import { ensureAdmin, startAccountSync, startGrantsSync } from "./src/auth/mod.ts";
import { type Config, ConfigError, loadConfig } from "./src/config.ts";
import { bufferedStdout, createLogger } from "./src/log.ts";
import { loadOrCreateSecret } from "./src/secret_file.ts";
import { serve } from "./src/http/serve.ts";
import { openStores } from "./src/stores/mod.ts";
import { STORE_ROLES } from "./src/stores/types.ts";
import { startBackgroundJobs } from "./src/system/background.ts";
import { startMemoryReturn } from "./src/system/memory_return.ts";
import { bringSchemaUp } from "./src/migrate/schema.ts";
import { startDomainJobs } from "./src/domains.ts";

async function start(config: Config): Promise<void> {
  const started = performance.now();
  const sink = bufferedStdout();
  const log = createLogger(config.logLevel, sink.write);
  const jwtSecret = config.auth.jwtSecret ?? await loadOrCreateSecret(config.dataDir);
  const cfg: Config = { ...config, auth: { ...config.auth, jwtSecret } };

  const stores = await openStores(cfg, log, { signingKey: jwtSecret });
  await bringSchemaUp(stores, log);
  const admin = await ensureAdmin({ db: stores.relational, log }, cfg.auth);
  if (admin === "created") {
    log.info("admin created from ADMIN_EMAIL", { email: cfg.auth.adminEmail });
  }

  const stopJobs = await startBackgroundJobs(stores, log);
  const app = createApp(stores, cfg, { logger: log });
  const stopGrantsSync = await startGrantsSync(app.deps);
  const stopAccountSync = await startAccountSync({
    db: stores.relational,
    memo: app.deps.accounts,
    log,
  });
  const stopGenerationSync = await startGenerationSync({
    cache: stores.cache,
    cached: app.deps.cached,
    log,
  });
  const stopDomainJobs = await startDomainJobs(app.deps);
  const stopMemoryReturn = startMemoryReturn({ everyMs: cfg.memoryTrimEveryMs, log });
  const served = serve((req, info) => app.fetch(req, info), {
    port: cfg.port,
    hostname: cfg.host,
    onListen: ({ hostname, port }) =>
      log.info("listening", {
        url: `http://${hostname}:${port}`,
        start_ms: Math.round(performance.now() - started),
        stores: Object.fromEntries(STORE_ROLES.map((r) => [r, stores[r].adapter])),
      }),
  });
  const stop = (signal: string) => {
    log.info("shutting down", { signal });
    // Backups first: a client following one (its events stream) would otherwise hold the drain
    // open until the run ended.
    void app.deps.backups.stop();
    void served.stop();
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));

  await served.finished;
  stopMemoryReturn();
  stopJobs();
  await stopDomainJobs();
  await stopGrantsSync();
  await stopAccountSync();
  await stopGenerationSync();
  await stores.close();
  log.info("stopped");
  await sink.flush();
}

if (import.meta.main) {
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      Deno.exit(1);
    }
    throw err;
  }
  await start(config);
  Deno.exit(0);
}
