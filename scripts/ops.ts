// `deno task ops <command>` (and `deno task backup`, `deno task restore ID`): opens the stores the
// environment selects, as the API does, and runs one ops command over them (src/ops/cli.ts).
import { ConfigError, loadConfig } from "../src/config.ts";
import { AppError } from "../src/errors.ts";
import { createLogger } from "../src/log.ts";
import { BackupsInFlight } from "../src/ops/backup/in_flight.ts";
import { runOpsCli, USAGE } from "../src/ops/cli.ts";
import { bringSchemaUp } from "../src/migrate/schema.ts";
import { openStores } from "../src/stores/mod.ts";

async function* fileLines(path: string | undefined): AsyncGenerator<string> {
  const readable = path ? (await Deno.open(path)).readable : Deno.stdin.readable;
  let rest = "";
  for await (const chunk of readable.pipeThrough(new TextDecoderStream())) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    yield* parts;
  }
  if (rest) yield rest;
}

async function main(args: string[]): Promise<number> {
  if (args.length === 0 || args[0] === "--help") {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig(Deno.env.toObject());
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  if (args[0] === "logs") {
    const ctxless = { stores: undefined as never, config, log, now: Date.now };
    return await runOpsCli(ctxless, args, io());
  }
  const stores = await openStores(config, log, {
    signingKey: config.auth.jwtSecret ?? "ops-cli-signs-no-urls",
  });
  // As the API does at start: a deployment the API has never run on (a fresh folder, a new
  // database to restore into) gets its schema instead of a "relation does not exist".
  await bringSchemaUp(stores, log);
  // Ctrl-C during `deno task backup` records the run as interrupted instead of leaving it
  // "running" until its heartbeat goes stale; the command then reports it and exits 1. A second
  // Ctrl-C exits at once. Other commands keep the default (Ctrl-C ends them).
  const backups = new BackupsInFlight();
  const signals = args[0] === "backup" ? (["SIGINT", "SIGTERM"] as const) : [];
  const interrupt = () => {
    if (backups.signal.aborted) Deno.exit(130);
    console.error(
      "interrupting the backup; Ctrl-C again quits at once, leaving the run 'running' (and new " +
        "runs refused) until its heartbeat is 10 minutes old",
    );
    void backups.stop();
  };
  for (const s of signals) Deno.addSignalListener(s, interrupt);
  try {
    return await runOpsCli({ stores, config, log, now: Date.now, backups }, args, io());
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, interrupt);
    await stores.close();
  }
}

function io() {
  return {
    out: (line: string) => console.log(line),
    err: (line: string) => console.error(line),
    readLine: (p: string) => Promise.resolve(prompt(p)),
    lines: fileLines,
  };
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof AppError) {
      console.error(err.message);
      Deno.exit(1);
    }
    throw err;
  }
}
