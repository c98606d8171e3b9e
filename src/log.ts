/**
 * Structured logging: one JSON object per line, with secrets redacted before anything is written.
 * The sink is injected so tests can capture lines and the app never writes to a global logger.
 *
 * @module
 */

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** Whether a line at `level` would be written (lets hot paths skip building it). */
  enabled?(level: Exclude<LogLevel, "silent">): boolean;
  /**
   * Writes fields the caller knows hold no secret (the access log), skipping the redaction pass;
   * `fields` may come as the JSON text of an object already. Optional: callers fall back to the
   * level methods.
   */
  trusted?(level: Exclude<LogLevel, "silent">, msg: string, fields: LogFields | string): void;
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[_-]?key|hash/i;

/** Replaces the values of secret-looking keys, at any depth, with "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) ? "[redacted]" : redact(v, depth + 1);
  }
  return out;
}

/** A sink that batches lines and writes them to stdout in the background. */
export interface BufferedSink {
  write(line: string): void;
  /** Writes out everything buffered; call before exit. */
  flush(): Promise<void>;
}

/**
 * Batches log lines and writes them with one async stdout write per batch (at most every
 * `intervalMs`, or sooner when `maxBytes` pile up), so a busy server does not pay a synchronous
 * write per request. Lines are lost only if the process dies before a flush.
 */
export function bufferedStdout(intervalMs = 25, maxBytes = 64 * 1024): BufferedSink {
  const encoder = new TextEncoder();
  let pending: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return writing;
    const chunk = encoder.encode(pending.join("\n") + "\n");
    pending = [];
    size = 0;
    writing = writing.then(async () => {
      let off = 0;
      while (off < chunk.length) off += await Deno.stdout.write(chunk.subarray(off));
    }).catch(() => {});
    return writing;
  };
  return {
    write(line) {
      pending.push(line);
      size += line.length + 1;
      if (size >= maxBytes) void flush();
      else if (timer === undefined) {
        timer = setTimeout(flush, intervalMs);
        // A pending flush must not keep a finished process alive.
        Deno.unrefTimer(timer as unknown as number);
      }
    },
    flush,
  };
}

/**
 * A logger writing JSON lines at or above `level` to `sink` (stdout by default).
 *
 * @example
 * const lines: string[] = [];
 * const log = createLogger("info", (l) => lines.push(l));
 * log.info("ready", { port: 8000 });
 */
export function createLogger(
  level: LogLevel,
  sink: (line: string) => void = (line) => console.log(line),
): Logger {
  const min = ORDER[level];
  // One ISO timestamp per millisecond: a busy server logs many lines within one.
  let lastMs = NaN;
  let lastIso = "";
  const head = (lvl: Exclude<LogLevel, "silent">, msg: string) => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      lastIso = new Date(now).toISOString();
    }
    return `{"time":"${lastIso}","level":"${lvl}","msg":${JSON.stringify(msg)}`;
  };
  // Same text as JSON.stringify({ time, level, msg, ...fields }).
  const line = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields | string) => {
    const rest = typeof fields === "string" ? fields : fields ? JSON.stringify(fields) : "{}";
    return rest.length > 2 ? `${head(lvl, msg)},${rest.slice(1)}` : `${head(lvl, msg)}}`;
  };
  const write = (lvl: Exclude<LogLevel, "silent">, msg: string, fields?: LogFields) => {
    if (ORDER[lvl] < min) return;
    sink(line(lvl, msg, fields ? redact(fields) as LogFields : undefined));
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    enabled: (lvl) => ORDER[lvl] >= min,
    trusted: (lvl, m, f) => {
      if (ORDER[lvl] >= min) sink(line(lvl, m, f));
    },
  };
}
