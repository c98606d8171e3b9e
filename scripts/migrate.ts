// `deno task migrate up [to] | down [n] | status`: runs the sql/ migrations against the
// relational store the environment selects (DATABASE_URL, or PGlite in $DATA_DIR/pg).
import { ConfigError, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateDown, migrateUp, MigrationError, migrationStatus } from "../src/migrate/runner.ts";
import { oweCachedReadsRetirement } from "../src/migrate/schema.ts";
import { openRelational } from "../src/stores/relational/open.ts";
import type { Queryable } from "../src/stores/relational/port.ts";

const USAGE = "usage: deno task migrate up [version] | down [steps] | status";

async function main(args: string[]): Promise<number> {
  const [command = "status", arg] = args;
  if (!["up", "down", "status"].includes(command)) {
    console.error(USAGE);
    return 2;
  }
  const n = arg === undefined ? undefined : Number(arg);
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) {
    console.error(`${USAGE}\n${command} takes a whole number, got "${arg}"`);
    return 2;
  }
  const config = loadConfig(Deno.env.toObject());
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const db = await openRelational(config, log);
  try {
    const migrations = await loadMigrations();
    if (command === "up") {
      const done = await migrateUp(db, migrations, { to: n });
      console.log(done.length ? `applied ${done.join(", ")}` : "nothing to apply");
      if (done.length) await oweRetirement(db);
    } else if (command === "down") {
      const done = await migrateDown(db, migrations, n ?? 1);
      console.log(done.length ? `reverted ${done.join(", ")}` : "nothing to revert");
      if (done.length) await oweRetirement(db);
    } else {
      for (const s of await migrationStatus(db, migrations)) {
        const state = s.applied_at ? `applied ${s.applied_at.toISOString()}` : "pending";
        const warn = s.checksum_ok ? "" : "  CHANGED SINCE APPLIED";
        console.log(`${String(s.version).padStart(4, "0")} ${s.name.padEnd(36)} ${state}${warn}`);
      }
    }
    return 0;
  } finally {
    await db.close();
  }
}

/** Running instances retire their cached reads from the outbox (src/migrate/schema.ts). */
async function oweRetirement(db: Queryable): Promise<void> {
  try {
    await oweCachedReadsRetirement(db);
  } catch (err) {
    // Below migration 0013 there is no outbox: cached reads then last until their TTL (an hour
    // at most) unless the instances are restarted.
    console.error(`cached reads not retired: ${err instanceof Error ? err.message : err}`);
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MigrationError) {
      console.error(err.message);
      Deno.exit(1);
    }
    throw err;
  }
}
