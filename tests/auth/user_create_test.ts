// `deno task user:create` as a subprocess: argument refusals (no database needed), then on server
// Postgres an admin created once and an existing e-mail left unchanged.
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/log.ts";
import { openRelational } from "../../src/stores/relational/open.ts";
import { serverSetting, serverTest } from "../support/profile.ts";

const SCRIPT = new URL("../../scripts/user_create.ts", import.meta.url).pathname;

async function run(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", SCRIPT, ...args],
    env: { LOG_LEVEL: "warn", ...env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("user:create refuses bad arguments before touching a database", async (t) => {
  // An unreachable database: any attempt to connect would fail differently (and slowly).
  const env = { DATABASE_URL: "postgres://nobody:x@127.0.0.1:1/none", JWT_SECRET: "x".repeat(32) };
  await t.step("unknown role", async () => {
    const r = await run(
      ["--email", "a@b.test", "--password", "long enough pass", "--role", "king"],
      env,
    );
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown role "king"/);
  });
  await t.step("missing or bad e-mail, unknown option", async () => {
    assert.equal((await run(["--password", "long enough pass"], env)).code, 2);
    assert.equal((await run(["--email", "nope", "--password", "long enough pass"], env)).code, 2);
    assert.equal((await run(["--email", "a@b.test", "--colour", "red"], env)).code, 2);
  });
});

serverTest(
  "user:create makes an admin once and never changes it [server]",
  ["DATABASE_URL"],
  async () => {
    const url = serverSetting("DATABASE_URL")!;
    const env = { DATABASE_URL: url, JWT_SECRET: "x".repeat(32) };
    const email = `cli-${crypto.randomUUID()}@example.test`;
    const first = await run([
      "--email",
      email.toUpperCase(),
      "--password",
      "first password 123",
      "--role",
      "admin",
    ], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`created user .* \\(${email}\\) with admin`));
    const second = await run([
      "--email",
      email,
      "--password",
      "second password 456",
      "--role",
      "cliente",
    ], env);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already exists; left unchanged/);

    const db = await openRelational(loadConfig(env), createLogger("silent"));
    try {
      const r = await db.query<{ roles: string[]; n: number }>(
        `select array_agg(r.name::text) as roles, count(distinct u.id)::int as n
         from users u join user_roles ur on ur.user_id = u.id join roles r on r.id = ur.role_id
        where lower(u.email) = $1`,
        [email],
      );
      assert.deepEqual(r.rows[0], { roles: ["admin"], n: 1 });
    } finally {
      await db.close();
    }
  },
);
