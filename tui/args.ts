/** Command-line flags of `deno task tui`. @module */

export const USAGE = `usage: deno task tui [--read-only] [--refresh MS] [--log FILE]
  --read-only   hide and refuse every action that changes data
  --refresh MS  health refresh period in milliseconds (default 2000, 250..60000)
  --log FILE    append the stores' JSON log lines to FILE (default: no log)
  --api URL     a running API whose /metrics Health shows (req/s, p99, RSS)
  --token JWT   with --api: an admin's access token; Consistency then uses the API's
                /api/v1/admin/consistency routes (repairs audited there) instead of the stores
Stores come from the same environment as the API (DATABASE_URL, REDIS_URL, …, DATA_DIR).`;

export interface TuiArgs {
  readonly readOnly: boolean;
  readonly refreshMs: number;
  readonly logFile: string | null;
  readonly help: boolean;
  readonly apiUrl: string | null;
  readonly token: string | null;
}

export function parseArgs(argv: readonly string[]): TuiArgs | { error: string } {
  let readOnly = false;
  let refreshMs = 2000;
  let logFile: string | null = null;
  let help = false;
  let apiUrl: string | null = null;
  let token: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (flag === "--read-only") readOnly = true;
    else if (flag === "--help" || flag === "-h") help = true;
    else if (flag === "--refresh") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 250 || n > 60_000) {
        return { error: "--refresh must be a whole number of ms from 250 to 60000" };
      }
      refreshMs = n;
    } else if (flag === "--log") {
      const v = value();
      if (!v) return { error: "--log needs a file" };
      logFile = v;
    } else if (flag === "--api") {
      const v = value() ?? "";
      if (!/^https?:\/\/\S+$/.test(v)) return { error: "--api needs an http(s) URL" };
      apiUrl = v;
    } else if (flag === "--token") {
      const v = value() ?? "";
      if (!/^[\w.~+/=-]+$/.test(v)) return { error: "--token needs a bearer token" };
      token = v;
    } else return { error: `unknown argument ${argv[i]}` };
  }
  if (token !== null && apiUrl === null) return { error: "--token needs --api URL" };
  return { readOnly, refreshMs, logFile, help, apiUrl, token };
}
