/**
 * The server cache adapter over npm:ioredis (standalone, Sentinel or Cluster). A down Redis must
 * fail fast: no offline queue, one retry per request, a timeout on every call, and ioredis
 * reconnecting in the background so the adapter recovers without a restart.
 *
 * @module
 */
import { Cluster } from "ioredis";
import { StoreError } from "../errors.ts";
import { measureHealth, type StoreHealth } from "../health.ts";
import { withTimeout } from "../resilience.ts";
import {
  floatIncrement,
  intIncrement,
  optionalTtl,
  requiredTtl,
  scanLimit,
  throttleArgs,
} from "./args.ts";
import { escapeRedisGlob, toRedisGlob } from "./glob.ts";
import type {
  CacheInfo,
  CacheStore,
  SubscriptionEvents,
  ThrottleResult,
  ThrottleTake,
} from "./port.ts";
import { toStoreError } from "./redis_errors.ts";
import { INCR, INCR_FLOAT, type LuaScript, RELEASE_LOCK, THROTTLE } from "./redis_scripts.ts";
import { type Client, connect, firstAttempt, unavailable, waitReady } from "./redis_connect.ts";
import { parseRedisUrl } from "./redis_url.ts";
import { createLogger, type Logger } from "../../log.ts";

/** How to reach Redis and how long any one call may take. */
export interface RedisCacheOptions {
  /** redis://, rediss://, redis+cluster://h1:p1,h2:p2 or redis+sentinel://h1:p1,h2:p2/master. */
  url: string;
  /** Ceiling for connecting and for every call, in ms. */
  timeoutMs: number;
  /** Prepended to every key and channel, so several deployments can share one Redis. */
  keyPrefix?: string;
  /** Where a failing subscriber is reported (default: errors only, to stdout as JSON). */
  log?: Logger;
}

/** Keys asked for per SCAN round trip. */
const SCAN_COUNT = 500;

/**
 * Opens the Redis cache. Resolves once connected, on the first connection error, or after `timeoutMs`: a
 * cache outage must not stop the API, so while Redis is unreachable every call rejects at once
 * with an `unavailable` StoreError, `health()` says "down", and ioredis keeps reconnecting.
 * A malformed URL rejects with `invalid`.
 *
 * @example
 * const cache = await openRedisCache({ url: "redis://127.0.0.1:6379", timeoutMs: 2000 });
 * await cache.set("k", "v", 60_000);
 */
export async function openRedisCache(opts: RedisCacheOptions): Promise<CacheStore> {
  const client = connect(parseRedisUrl(opts.url), opts.timeoutMs);
  const cache = new RedisCache(client, opts);
  await firstAttempt(client, opts.timeoutMs);
  return cache;
}

function notify(log: Logger, callback: (() => void) | undefined): void {
  try {
    callback?.();
  } catch (err) {
    log.error("cache subscription listener failed", { error: String(err) });
  }
}

class RedisCache implements CacheStore {
  readonly adapter = "redis";
  readonly #client: Client;
  readonly #timeoutMs: number;
  readonly #prefix: string;
  readonly #log: Logger;
  #subscriber: Client | undefined;
  #subscriberReady: Promise<Client> | undefined;
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  readonly #listeners = new Set<SubscriptionEvents>();
  /** The subscriber connection dropped and has not yet resubscribed. */
  #cut = false;
  #lastError: Error | undefined;
  #closed = false;

  constructor(client: Client, opts: RedisCacheOptions) {
    this.#client = client;
    this.#timeoutMs = opts.timeoutMs;
    this.#prefix = opts.keyPrefix ?? "";
    this.#log = opts.log ?? createLogger("error");
    this.#watch(client);
  }

  get(key: string): Promise<string | null> {
    return this.#call("get", (c) => c.get(this.#key(key)));
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    const ttl = optionalTtl(ttlMs);
    const k = this.#key(key);
    await this.#call("set", (c) => ttl ? c.set(k, value, "PX", ttl) : c.set(k, value));
  }

  async setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean> {
    const ttl = optionalTtl(ttlMs);
    const k = this.#key(key);
    const reply = await this.#call(
      "setIfAbsent",
      (c) => ttl ? c.set(k, value, "PX", ttl, "NX") : c.set(k, value, "NX"),
    );
    return reply === "OK";
  }

  del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    return this.#call("del", (c) => this.#delete(c, keys.map((k) => this.#key(k))));
  }

  async delPrefix(prefix: string): Promise<number> {
    const match = `${escapeRedisGlob(this.#key(prefix))}*`;
    let deleted = 0;
    for await (const batch of this.#scanBatches(match)) {
      deleted += await this.#call("delPrefix", (c) => this.#delete(c, batch));
    }
    return deleted;
  }

  async scan(pattern: string, limit?: number): Promise<string[]> {
    const max = scanLimit(limit);
    const match = `${escapeRedisGlob(this.#prefix)}${toRedisGlob(pattern)}`;
    // SCAN may return a key twice while the table rehashes.
    const found = new Set<string>();
    for await (const batch of this.#scanBatches(match)) {
      for (const key of batch) {
        found.add(key.slice(this.#prefix.length));
        if (found.size >= max) return [...found];
      }
    }
    return [...found];
  }

  async ttl(key: string): Promise<number | null> {
    const ms = await this.#call("ttl", (c) => c.pttl(this.#key(key)));
    return ms === -2 ? null : ms;
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    const args = [String(intIncrement(by)), String(optionalTtl(ttlMs) ?? 0)];
    return Number(await this.#script("incr", INCR, key, args));
  }

  async incrFloat(key: string, by: number, ttlMs?: number): Promise<number> {
    const args = [String(floatIncrement(by)), String(optionalTtl(ttlMs) ?? 0)];
    return Number(await this.#script("incrFloat", INCR_FLOAT, key, args));
  }

  async throttle(
    key: string,
    limit: number,
    windowMs: number,
    take?: ThrottleTake,
  ): Promise<ThrottleResult> {
    const { want, refund } = throttleArgs(limit, windowMs, take);
    const args = [String(limit), String(windowMs), String(want), String(refund)];
    const reply = await this.#script("throttle", THROTTLE, key, args);
    if (!Array.isArray(reply) || reply.length !== 5) {
      throw new StoreError("unavailable", "cache", "cache throttle: unexpected script reply");
    }
    const [allowed, remaining, resetMs, retryAfterMs, granted] = reply.map(Number);
    return { allowed: allowed === 1, limit, remaining, resetMs, retryAfterMs, granted };
  }

  async acquireLock(key: string, ttlMs: number): Promise<string | null> {
    const ttl = requiredTtl(ttlMs);
    const token = crypto.randomUUID();
    const reply = await this.#call(
      "acquireLock",
      (c) => c.set(this.#key(key), token, "PX", ttl, "NX"),
    );
    return reply === "OK" ? token : null;
  }

  async releaseLock(key: string, token: string): Promise<boolean> {
    return Number(await this.#script("releaseLock", RELEASE_LOCK, key, [token])) === 1;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.#call("publish", (c) => c.publish(this.#prefix + channel, message));
  }

  async subscribe(
    channel: string,
    handler: (message: string) => void,
    events?: SubscriptionEvents,
  ): Promise<() => Promise<void>> {
    const full = this.#prefix + channel;
    // Without the main connection a subscription could not be published to; fail as fast.
    await this.#call("subscribe", () => Promise.resolve());
    // A subscribed connection cannot run other commands, hence a connection of its own.
    const sub = await this.#subscriberClient();
    let handlers = this.#channels.get(full);
    if (!handlers) this.#channels.set(full, handlers = new Set());
    // A wrapper per subscription, so the same function subscribed twice counts twice.
    const own = (message: string) => handler(message);
    handlers.add(own);
    try {
      await this.#guard("subscribe", () => sub.subscribe(full));
    } catch (err) {
      this.#forget(full, own);
      throw err;
    }
    const listener = { ...events };
    this.#listeners.add(listener);
    return async () => {
      this.#listeners.delete(listener);
      if (this.#forget(full, own) && sub.status === "ready") {
        await this.#guard("unsubscribe", () => sub.unsubscribe(full));
      }
    };
  }

  async info(): Promise<CacheInfo> {
    const nodes = this.#client instanceof Cluster ? this.#client.nodes("master") : [this.#client];
    let keys = 0;
    let memory = 0;
    for (const node of nodes) {
      const [size, text] = await this.#call(
        "info",
        () => Promise.all([node.dbsize(), node.info("memory")]),
      );
      keys += size;
      memory += Number(text.match(/^used_memory:(\d+)/m)?.[1] ?? 0);
    }
    return { keys, memory_bytes: memory };
  }

  health(): Promise<StoreHealth> {
    return measureHealth(this.adapter, () => this.#call("ping", (c) => c.ping()));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    const clients = [this.#client, this.#subscriber].filter((c): c is Client => c !== undefined);
    await Promise.all(clients.map(async (c) => {
      // QUIT lets pending replies arrive; disconnect() then stops any reconnect timer.
      if (c.status === "ready") {
        await withTimeout("cache", this.#timeoutMs, c.quit(), "close").catch(() => {});
      }
      c.disconnect();
    }));
  }

  #key(key: string): string {
    return this.#prefix + key;
  }

  /** Remembers the last connection error for health details; without a listener ioredis logs. */
  #watch(client: Client): void {
    client.on("error", (err: Error) => {
      this.#lastError = err;
    });
    client.on("ready", () => {
      this.#lastError = undefined;
    });
  }

  /** One round trip on the main connection, refused at once when it is not connected. */
  #call<T>(what: string, work: (c: Client) => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(unavailable("cache is closed"));
    if (this.#client.status !== "ready") {
      const why = this.#lastError ? `: ${this.#lastError.message.slice(0, 160)}` : "";
      return Promise.reject(unavailable(`not connected (${this.#client.status})${why}`));
    }
    return this.#guard(what, () => work(this.#client));
  }

  /** Bounds `work` by the timeout and maps whatever it throws to a StoreError. */
  async #guard<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await withTimeout("cache", this.#timeoutMs, Promise.resolve().then(work), what);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Runs a one-key script by EVALSHA, sending the source only if the server lacks it. */
  #script(what: string, script: LuaScript, key: string, args: string[]): Promise<unknown> {
    const k = this.#key(key);
    return this.#call(what, async (c) => {
      try {
        return await c.evalsha(script.sha, 1, k, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
        return await c.eval(script.lua, 1, k, ...args);
      }
    });
  }

  /** DEL of full keys; on a Cluster one key at a time, as keys may sit in different slots. */
  async #delete(c: Client, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    if (!(c instanceof Cluster)) return await c.unlink(...keys);
    const counts = await Promise.all(keys.map((k) => c.unlink(k)));
    return counts.reduce((a, b) => a + b, 0);
  }

  /** Full keys matching a MATCH pattern, batch by batch, over every master of a Cluster. */
  async *#scanBatches(match: string): AsyncGenerator<string[]> {
    const nodes = this.#client instanceof Cluster ? this.#client.nodes("master") : [this.#client];
    for (const node of nodes) {
      let cursor = "0";
      do {
        const [next, keys] = await this.#call(
          "scan",
          () => node.scan(cursor, "MATCH", match, "COUNT", SCAN_COUNT),
        );
        cursor = next;
        if (keys.length > 0) yield keys;
      } while (cursor !== "0");
    }
  }

  /** The subscriber connection, created on first use and shared by every channel. */
  #subscriberClient(): Promise<Client> {
    if (this.#closed) return Promise.reject(unavailable("cache is closed"));
    if (!this.#subscriberReady) {
      const main = this.#client;
      const sub: Client = main instanceof Cluster ? main.duplicate() : main.duplicate();
      this.#subscriber = sub;
      this.#watch(sub);
      sub.on("message", (channel: string, message: string) => this.#deliver(channel, message));
      sub.on("close", () => this.#interrupted());
      sub.on("ready", () => void this.#resubscribed(sub));
      this.#subscriberReady = waitReady(sub, this.#timeoutMs).then(() => sub);
      // A failed first connect is retried on the next subscribe; ioredis keeps reconnecting.
      this.#subscriberReady.catch(() => {
        this.#subscriberReady = undefined;
        this.#subscriber = undefined;
        sub.disconnect();
      });
    }
    return this.#subscriberReady.catch((err) => {
      throw toStoreError(err);
    });
  }

  #interrupted(): void {
    if (this.#cut || this.#closed) return;
    this.#cut = true;
    for (const l of [...this.#listeners]) notify(this.#log, l.onInterrupted);
  }

  /**
   * ioredis resubscribes on its own once the connection is ready again, but emits "ready"
   * before the server has confirmed it; subscribing again (idempotent) and waiting for that reply
   * is what makes it safe to say the subscription is whole.
   */
  async #resubscribed(sub: Client): Promise<void> {
    if (!this.#cut || this.#closed) return;
    const channels = [...this.#channels.keys()];
    try {
      if (channels.length > 0) await this.#guard("subscribe", () => sub.subscribe(...channels));
    } catch {
      return; // cut again; the next "ready" tries once more
    }
    if (!this.#cut) return;
    this.#cut = false;
    for (const l of [...this.#listeners]) notify(this.#log, l.onResumed);
  }

  #deliver(channel: string, message: string): void {
    for (const handler of [...this.#channels.get(channel) ?? []]) {
      try {
        handler(message);
      } catch (err) {
        this.#log.error("cache subscriber failed", { channel, error: String(err) });
      }
    }
  }

  /** Drops one handler; true when it was the channel's last, so the channel can be left. */
  #forget(channel: string, handler: (message: string) => void): boolean {
    const set = this.#channels.get(channel);
    if (!set?.delete(handler)) return false;
    if (set.size > 0) return false;
    this.#channels.delete(channel);
    return true;
  }
}
