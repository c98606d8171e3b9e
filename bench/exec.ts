// Running the external tools the bench drives (wrk, pgbench, redis-benchmark): capture their
// output, fail with their stderr, and install a missing Debian package once.

/** Output of a finished command. */
export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd` to completion; throws with its stderr unless it exits 0 (or `allowFail`). */
export async function run(
  cmd: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; allowFail?: boolean } = {},
): Promise<Ran> {
  const out = await new Deno.Command(cmd, {
    args,
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ran = {
    code: out.code,
    stdout: new TextDecoder().decode(out.stdout),
    stderr: new TextDecoder().decode(out.stderr),
  };
  if (ran.code !== 0 && !options.allowFail) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${ran.code}: ${ran.stderr.trim()}`);
  }
  return ran;
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure `binary` (an absolute path) exists, installing Debian package `pkg` with apt-get
 * when it does not. apt-get needs root; the error says so instead of failing obscurely later.
 */
export async function ensureTool(binary: string, pkg: string): Promise<void> {
  if (await exists(binary)) return;
  console.error(`bench: ${binary} missing; installing Debian package ${pkg}`);
  const asRoot = Deno.uid() === 0;
  const apt = (args: string[]) =>
    asRoot ? run("apt-get", args, { allowFail: true }) : run("sudo", ["-n", "apt-get", ...args], {
      allowFail: true,
    });
  let r = await apt(["install", "-y", "--no-install-recommends", pkg]);
  if (r.code !== 0) {
    // A fresh machine may have no package lists yet.
    await apt(["update"]);
    r = await apt(["install", "-y", "--no-install-recommends", pkg]);
  }
  if (r.code !== 0 || !(await exists(binary))) {
    throw new Error(`could not install ${pkg} (apt-get exited ${r.code}): ${r.stderr.trim()}`);
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
