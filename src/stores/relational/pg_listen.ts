/**
 * LISTEN for the server adapter, on a connection of its own (a pool's connections change hands,
 * a listener's must not): reconnects with backoff after a cut, tells the caller about the cut and
 * the resumption, and pings the connection so a silently dead one is noticed.
 *
 * @module
 */
import pg from "pg";
import { mapPgError } from "./pg_errors.ts";
import { checkChannel } from "./channel.ts";
import type { ListenEvents } from "./port.ts";

export interface PgListenOptions {
  url: string;
  connectTimeoutMs: number;
  /** How often the connection is proved with `select 1` (a cut without FIN shows no error). */
  pingEveryMs?: number;
  /** Longest wait between reconnection attempts. */
  maxRetryMs?: number;
}

/** Listens on `channel` until the returned function is called. */
export async function listenPg(
  options: PgListenOptions,
  channel: string,
  onNotify: (payload: string) => void,
  events: ListenEvents = {},
): Promise<() => Promise<void>> {
  checkChannel(channel);
  const pingEveryMs = options.pingEveryMs ?? 10_000;
  const maxRetryMs = options.maxRetryMs ?? 5_000;
  let client: pg.Client | undefined;
  let stopped = false;
  let cut = false;
  let delay = 100;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const lost = (c: pg.Client) => {
    // Events of a replaced or stopped client, or the second of error + end, change nothing.
    if (c !== client) return;
    client = undefined;
    void c.end().catch(() => {});
    if (!cut) {
      cut = true;
      events.onInterrupted?.();
    }
    schedule();
  };

  const connect = async (): Promise<pg.Client> => {
    const c = new pg.Client({
      connectionString: options.url,
      connectionTimeoutMillis: options.connectTimeoutMs,
      application_name: "polystore-listen",
      keepAlive: true,
    });
    c.on("error", () => lost(c));
    c.on("end", () => lost(c));
    c.on("notification", (m) => {
      if (m.channel === channel) onNotify(m.payload ?? "");
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      return c;
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
  };

  const reconnect = async () => {
    retryTimer = undefined;
    if (stopped) return;
    let c: pg.Client;
    try {
      c = await connect();
    } catch {
      return schedule();
    }
    if (stopped) return void await c.end().catch(() => {});
    client = c;
    delay = 100;
    cut = false;
    events.onResumed?.();
  };

  const schedule = () => {
    if (stopped || retryTimer !== undefined) return;
    retryTimer = setTimeout(reconnect, delay);
    delay = Math.min(delay * 2, maxRetryMs);
  };

  const ping = async () => {
    const c = client;
    if (c === undefined) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        c.query("select 1"),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error("ping timed out")), options.connectTimeoutMs);
        }),
      ]);
    } catch {
      lost(c);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    client = await connect();
  } catch (err) {
    throw mapPgError(err);
  }
  const pinger = setInterval(ping, pingEveryMs);
  return async () => {
    stopped = true;
    clearInterval(pinger);
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    const c = client;
    client = undefined;
    await c?.end().catch(() => {});
  };
}
