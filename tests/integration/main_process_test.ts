// main.ts as a user runs it: a fresh data folder with no server variables answers /health and
// /ready and has the admin ADMIN_EMAIL names, a second start on the same folder keeps the
// accounts and the token secret (and a changed ADMIN_PASSWORD changes nothing), SIGTERM
// stops it with exit code 0 after closing the stores, and a bad PORT stops start-up naming it.
// Draining in-flight requests is tested on src/http/serve.ts, where it can be done without
// racing the signal; how fast main.ts starts is measured by `deno task bench`.
import assert from "node:assert/strict";
import { freePort } from "../support/ports.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const START_LIMIT_MS = 60_000;

// Only what a new user's shell would have: no store URLs, so every role is embedded.
function baseEnv(dataDir: string, port: number): Record<string, string> {
  const env: Record<string, string> = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: "info" };
  for (const k of ["PATH", "HOME", "DENO_DIR", "TMPDIR"]) {
    const v = Deno.env.get(k);
    if (v !== undefined) env[k] = v;
  }
  return env;
}

interface Running {
  url: string;
  child: Deno.ChildProcess;
  /** stdout lines, parsed as JSON where they are. */
  output: Promise<{ code: number; lines: Record<string, unknown>[]; stderr: string }>;
}

function spawn(env: Record<string, string>): Running {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output = child.output().then((o) => ({
    code: o.code,
    stderr: new TextDecoder().decode(o.stderr),
    lines: new TextDecoder().decode(o.stdout).split("\n").filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  }));
  return { url: `http://127.0.0.1:${env.PORT}`, child, output };
}

async function waitHealthy(r: Running): Promise<void> {
  const started = performance.now();
  while (performance.now() - started < START_LIMIT_MS) {
    try {
      const res = await fetch(`${r.url}/health`);
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no /health 200 within ${START_LIMIT_MS} ms: ${(await stop(r)).stderr}`);
}

async function stop(r: Running) {
  try {
    r.child.kill("SIGTERM");
  } catch {
    // already gone
  }
  return await r.output;
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });

Deno.test({
  name: "main.ts: fresh start, restart on the same folder, SIGTERM, bad PORT",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const dataDir = await Deno.makeTempDir({ prefix: "polystore-main-" });
    const account = { email: "first.user@example.test", password: "a long enough password" };
    const admin = { email: "Boss@Example.test", password: "the first admin password" };
    const adminEnv = (password: string) => ({
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: password,
    });
    const rolesOf = async (url: string, creds: { email: string; password: string }) => {
      const login = await post(`${url}/api/v1/auth/login`, creds);
      if (login.status !== 200) return login.status;
      const { access_token } = await login.json() as { access_token: string };
      const me = await fetch(`${url}/api/v1/auth/me`, {
        headers: { Authorization: `Bearer ${access_token}` },
      });
      return (await me.json() as { roles: string[] }).roles;
    };
    try {
      await t.step("fresh folder: /health 200, /ready 200 with five embedded stores", async () => {
        const r = spawn({ ...baseEnv(dataDir, freePort()), ...adminEnv(admin.password) });
        try {
          await waitHealthy(r);
          // ADMIN_EMAIL and ADMIN_PASSWORD made the first admin.
          assert.deepEqual(await rolesOf(r.url, admin), ["admin"]);
          const ready = await fetch(`${r.url}/ready`);
          assert.equal(ready.status, 200);
          const body = await ready.json() as {
            stores: Record<string, { status: string; adapter: string }>;
          };
          assert.deepEqual(
            Object.fromEntries(Object.entries(body.stores).map(([k, v]) => [k, v.status])),
            { relational: "ok", documents: "ok", graph: "ok", cache: "ok", objects: "ok" },
          );
          assert.equal(body.stores.relational.adapter, "pglite");
          const reg = await post(`${r.url}/api/v1/auth/register`, {
            ...account,
            full_name: "First User",
          });
          assert.equal(reg.status, 201, await reg.text());
        } finally {
          const out = await stop(r);
          assert.equal(out.code, 0, out.stderr);
        }
        const secret = await Deno.stat(`${dataDir}/jwt_secret`);
        assert.equal(secret.mode! & 0o777, 0o600);
      });

      await t.step("second start: the account and the token secret are still there", async () => {
        // A changed ADMIN_PASSWORD never changes the existing admin.
        const r = spawn({ ...baseEnv(dataDir, freePort()), ...adminEnv("a different password") });
        try {
          await waitHealthy(r);
          assert.deepEqual(await rolesOf(r.url, admin), ["admin"]);
          assert.equal(
            await rolesOf(r.url, { email: admin.email, password: "a different password" }),
            401,
          );
          const login = await post(`${r.url}/api/v1/auth/login`, account);
          assert.equal(login.status, 200);
          const { access_token } = await login.json() as { access_token: string };
          const me = await fetch(`${r.url}/api/v1/auth/me`, {
            headers: { Authorization: `Bearer ${access_token}` },
          });
          assert.equal(me.status, 200);
          assert.equal((await me.json() as { email: string }).email, account.email);
        } finally {
          const out = await stop(r);
          assert.equal(out.code, 0, out.stderr);
          const msgs = out.lines.map((l) => l.msg);
          const down = msgs.indexOf("shutting down");
          assert.ok(down >= 0 && msgs.indexOf("stopped") > down, msgs.join(", "));
        }
      });

      await t.step("bad PORT: exit 1 with one line naming the variable", async () => {
        const out = await spawn({ ...baseEnv(dataDir, 1), PORT: "eighty" }).output;
        assert.equal(out.code, 1);
        assert.match(out.stderr.trim(), /^invalid configuration: PORT: /);
        assert.equal(out.stderr.trim().split("\n").length, 1, out.stderr);
      });
    } finally {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
