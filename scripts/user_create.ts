// `deno task user:create --email a@b.c --password '…' --role admin [--role …] [--full-name …]`:
// creates an account in the relational store the environment selects (applying pending
// migrations first), through the same service as ADMIN_EMAIL. An existing e-mail is left as is.
import { parseArgs } from "node:util";
import {
  createUserIfAbsent,
  isRoleName,
  ROLE_NAMES,
  type RoleName,
  systemActor,
} from "../src/auth/mod.ts";
import { ConfigError, loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { loadMigrations } from "../src/migrate/files.ts";
import { migrateUp, MigrationError } from "../src/migrate/runner.ts";
import { openRelational } from "../src/stores/relational/open.ts";

const USAGE = "usage: deno task user:create --email <email> [--password <password>] " +
  `[--role <${ROLE_NAMES.join("|")}>]... [--full-name <name>]\n` +
  "Without --password, the password is read from the first line of stdin.";

async function readPassword(): Promise<string> {
  if (Deno.stdin.isTerminal()) return prompt("Password:") ?? "";
  const text = await new Response(Deno.stdin.readable).text();
  return text.split(/\r?\n/)[0] ?? "";
}

async function main(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        email: { type: "string" },
        password: { type: "string" },
        role: { type: "string", multiple: true },
        "full-name": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }));
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const email = values.email?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    console.error(`--email must be an e-mail address\n${USAGE}`);
    return 2;
  }
  const roles: RoleName[] = [];
  for (const role of values.role ?? []) {
    if (!isRoleName(role)) {
      console.error(`unknown role "${role}"; roles: ${ROLE_NAMES.join(", ")}`);
      return 2;
    }
    if (!roles.includes(role)) roles.push(role);
  }
  const password = values.password ?? await readPassword();

  const config = loadConfig(Deno.env.toObject());
  const log = createLogger(config.logLevel === "info" ? "warn" : config.logLevel);
  const db = await openRelational(config, log);
  try {
    await migrateUp(db, await loadMigrations());
    const result = await createUserIfAbsent(
      { db, log },
      { email, password, fullName: values["full-name"], roles },
      systemActor("task:user:create"),
    );
    if (result.status === "exists") {
      console.error(`a user with the e-mail ${email.toLowerCase()} already exists; left unchanged`);
      return 1;
    }
    const granted = roles.length ? roles.join(", ") : "no role";
    console.log(`created user ${result.user.id} (${result.user.email}) with ${granted}`);
    return 0;
  } finally {
    await db.close();
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
    if (err instanceof Error && /password must be/.test(err.message)) {
      console.error(err.message);
      Deno.exit(2);
    }
    throw err;
  }
}
