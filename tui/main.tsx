/**
 * `deno task tui`: opens the stores from the same environment as the API (migrated like the API
 * does at start), builds the direct ops client and renders the app on the terminal. @module
 */
import { render } from "ink";
import { appendFileSync } from "node:fs";
import { type Config, ConfigError, loadConfig } from "../src/config.ts";
import { createLogger, type Logger } from "../src/log.ts";
import { bringSchemaUp } from "../src/migrate/schema.ts";
import { loadOrCreateSecret } from "../src/secret_file.ts";
import { openStores } from "../src/stores/mod.ts";
import { apiCacheStats } from "./admin_api.ts";
import { App } from "./app.tsx";
import { parseArgs, USAGE } from "./args.ts";
import { consistencySource } from "./consistency_source.ts";
import { directClient } from "./direct_client.ts";
import { BackupsInFlight } from "../src/ops/backup/in_flight.ts";

function describeTarget(config: Config): string {
  const servers = [
    config.relational.url && !config.relational.url.startsWith("memory://"),
    config.documents.url,
    config.graph.url,
    config.cache.url,
    config.objects.endpoint,
  ].filter(Boolean).length;
  return servers === 0 ? `embedded ${config.dataDir}` : `servers ${servers}/5`;
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if ("error" in args) {
    console.error(`${args.error}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  let config: Config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  // Log lines would tear the screen: they go to a file when asked for, else nowhere.
  const logFile = args.logFile;
  const log: Logger = createLogger(
    logFile ? config.logLevel : "silent",
    (line) => logFile && appendFileSync(logFile, line + "\n"),
  );
  const jwtSecret = config.auth.jwtSecret ?? await loadOrCreateSecret(config.dataDir);
  const cfg: Config = { ...config, auth: { ...config.auth, jwtSecret } };
  console.log(`polystore tui: opening stores (${describeTarget(cfg)})…`);
  const stores = await openStores(cfg, log, { signingKey: jwtSecret });
  // As the API does at start: migrations, then the cached grants they may have made stale.
  await bringSchemaUp(stores, log);
  // With an admin token the API answers what only it knows (its read-through hit counters) and
  // does the consistency repair itself, audited; everything else goes to the stores directly.
  const api = args.apiUrl && args.token ? { url: args.apiUrl, token: args.token } : null;
  // Quitting while a backup runs records it as interrupted before the stores close under it.
  const backups = new BackupsInFlight();
  const client = directClient({ stores, config: cfg, log, now: () => Date.now(), backups }, {
    target: describeTarget(cfg),
    consistency: consistencySource(stores, log, api),
    cacheStats: api ? apiCacheStats(api) : null,
    close: async () => {
      await backups.stop();
      await stores.close();
    },
    apiUrl: args.apiUrl,
  });
  const tty = Deno.stdout.isTerminal();
  // Home the cursor so the first frame starts at the top (the alternate screen keeps its place).
  if (tty) await Deno.stdout.write(new TextEncoder().encode("\x1b[2J\x1b[H"));
  const ui = render(
    <App client={client} readOnly={args.readOnly} refreshMs={args.refreshMs} />,
    { interactive: tty, alternateScreen: true, exitOnCtrlC: true },
  );
  await ui.waitUntilExit();
  await client.close();
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
