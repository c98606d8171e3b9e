// Which copy of the API the bench runs: the working tree it lives in (a fresh clone), with
// --at=<rev> a clean export of that commit, so a run measures exactly one committed state, or
// with --api-dir=<path> another copy (a candidate change measured before it is committed).
import { run } from "./exec.ts";

export const REPO_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The folder holding main.ts, sql/ and src/ to run, and what it is. */
export interface ApiSource {
  dir: string;
  /** "abc1234" or "abc1234 + uncommitted changes". */
  label: string;
  cleanup(): Promise<void>;
}

async function git(args: string[]): Promise<string> {
  return (await run("git", ["-C", REPO_ROOT, ...args])).stdout.trim();
}

/** The repository itself, labelled with HEAD and whether the API's files differ from it. */
async function workingTree(): Promise<ApiSource> {
  let label = "not a git checkout";
  try {
    const head = await git(["rev-parse", "--short", "HEAD"]);
    const dirty = await git(["status", "--porcelain", "--", "main.ts", "src", "sql", "deno.json"]);
    label = dirty === "" ? head : `${head} + uncommitted changes`;
  } catch {
    // label stays
  }
  return { dir: REPO_ROOT, label, cleanup: () => Promise.resolve() };
}

/** Exports commit `rev` with git archive into a temp folder and resolves its dependencies. */
async function exported(rev: string): Promise<ApiSource> {
  const sha = await git(["rev-parse", "--short", `${rev}^{commit}`]);
  const dir = await Deno.makeTempDir({ prefix: `polystore_bench_${sha}_` });
  const archive = await new Deno.Command("git", {
    args: ["-C", REPO_ROOT, "archive", "--format=tar", sha],
    stdout: "piped",
  }).output();
  if (archive.code !== 0) throw new Error(`git archive ${sha} failed`);
  const tar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
  const w = tar.stdin.getWriter();
  await w.write(archive.stdout);
  await w.close();
  if (!(await tar.status).success) throw new Error("tar -x failed");
  return { dir, label: sha, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/**
 * The API to measure. Its dependencies are resolved before anything is timed, so the start-up
 * figures never include a first download or a node_modules set-up.
 */
export async function apiSource(
  rev: string | undefined,
  dir: string | undefined,
): Promise<ApiSource> {
  if (rev !== undefined && dir !== undefined) throw new Error("give --at or --api-dir, not both");
  const src = dir !== undefined
    ? { dir: await Deno.realPath(dir), label: `folder ${dir}`, cleanup: () => Promise.resolve() }
    : rev === undefined
    ? await workingTree()
    : await exported(rev);
  await run("deno", ["cache", "--quiet", "main.ts"], { cwd: src.dir });
  return src;
}

/**
 * The V8 flags `deno task start` gives the API in that copy (its deno.json), so the bench, which
 * runs main.ts itself to hold the process's pid, measures the API as it is started.
 */
export async function startTaskV8Flags(source: ApiSource): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${source.dir}/deno.json`)) as {
    tasks?: Record<string, string>;
  };
  return (config.tasks?.start ?? "").split(/\s+/).filter((arg) => arg.startsWith("--v8-flags="));
}
