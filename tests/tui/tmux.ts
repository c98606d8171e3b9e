/**
 * Drives the real `deno task tui` in a tmux pane (a pseudo-terminal), with CI unset because Ink
 * renders no live frames when CI=true. @module
 */

const ROOT = new URL("../..", import.meta.url).pathname;

async function tmux(...args: string[]): Promise<string> {
  const out = await new Deno.Command("tmux", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) {
    throw new Error(`tmux ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
  return new TextDecoder().decode(out.stdout);
}

export interface TuiPane {
  /** The pane's text as shown now. */
  screen(): Promise<string>;
  /** Sends tmux key names or literal text (`literal: true`). */
  keys(keys: string, literal?: boolean): Promise<void>;
  /** Waits until the pane shows `text` (string or pattern); fails with the pane after `ms`. */
  waitFor(text: string | RegExp, ms?: number): Promise<string>;
  close(): Promise<void>;
}

const STORE_VARS = ["DATABASE_URL", "MONGODB_URL", "NEO4J_URL", "REDIS_URL", "S3_ENDPOINT"];

/** Starts `deno task tui ARGS` in a new 80x24 (by default) tmux session with `env` added. */
export async function startTuiPane(
  env: Record<string, string>,
  args: readonly string[] = [],
  size = { columns: 80, rows: 24 },
): Promise<TuiPane> {
  const session = `polystore-tui-${crypto.randomUUID().slice(0, 8)}`;
  const assignments = Object.entries(env).map(([k, v]) => `${k}=${shellQuote(v)}`).join(" ");
  // Only `env` picks the stores: a server URL exported in the runner's shell must not turn an
  // embedded run into a server one.
  const unset = STORE_VARS.map((k) => `-u ${k}`).join(" ");
  const command = `cd ${shellQuote(ROOT)} && env -u CI ${unset} ${assignments} deno task tui ${
    args.map(shellQuote).join(" ")
  }; echo TUI-EXITED-$?; sleep 600`;
  await tmux(
    "new-session",
    "-d",
    "-s",
    session,
    "-x",
    String(size.columns),
    "-y",
    String(size.rows),
    command,
  );
  const screen = () => tmux("capture-pane", "-p", "-t", session);
  return {
    screen,
    async keys(keys, literal = false) {
      await tmux("send-keys", "-t", session, ...(literal ? ["-l", keys] : [keys]));
      // Keys a human types arrive apart; Ink subscribes new prompts after a frame.
      await new Promise((r) => setTimeout(r, 150));
    },
    async waitFor(text, ms = 30_000) {
      const started = Date.now();
      let last = "";
      while (Date.now() - started < ms) {
        last = await screen();
        if (typeof text === "string" ? last.includes(text) : text.test(last)) return last;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`pane never showed ${text}; it shows:\n${last}`);
    },
    async close() {
      await tmux("kill-session", "-t", session).catch(() => "");
    },
  };
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
