// Which server stores the tests may use. Server settings come from the environment or from the
// env file that `scripts/services.sh up` writes (.services/env). A server test whose variable is
// absent is registered as ignored with the reason in its name, never silently passed; under CI
// (CI=true) a missing variable fails instead, so CI cannot go green without every server.

const ENV_FILE = new URL("../../.services/env", import.meta.url);

function readEnvFile(): Record<string, string> {
  try {
    const text = Deno.readTextFileSync(ENV_FILE);
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
      const m = line.match(/^\s*(?:export\s+)?([A-Z0-9_]+)=(.*)$/);
      if (m) out[m[1]] = m[2].replace(/^["']|["']$/g, "");
    }
    return out;
  } catch {
    return {};
  }
}

const fileEnv = readEnvFile();

/** A setting from the process environment, else from .services/env. */
export function serverSetting(name: string): string | undefined {
  const v = Deno.env.get(name) ?? fileEnv[name];
  return v === undefined || v === "" ? undefined : v;
}

/** All server settings (process environment wins over the env file). */
export function serverEnv(): Record<string, string> {
  const out: Record<string, string> = { ...fileEnv };
  for (const [k, v] of Object.entries(Deno.env.toObject())) out[k] = v;
  return out;
}

const inCI = Deno.env.get("CI") === "true";

/**
 * Registers a test that needs server settings `vars`. When one is missing it is ignored with the
 * reason in its name (or fails under CI).
 */
export function serverTest(
  name: string,
  vars: readonly string[],
  fn: (t: Deno.TestContext) => Promise<void>,
): void {
  const missing = vars.filter((v) => serverSetting(v) === undefined);
  if (missing.length === 0) {
    Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });
  } else if (inCI) {
    Deno.test(name, () => {
      throw new Error(`CI needs ${missing.join(", ")}: run scripts/services.sh up first`);
    });
  } else {
    Deno.test({
      name: `${name} (skipped: ${missing.join(", ")} not set; run scripts/services.sh up)`,
      ignore: true,
      fn() {},
    });
  }
}
