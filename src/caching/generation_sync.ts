/**
 * Keeps the read-through cache's in-process copies (local_tier.ts) in step with every instance:
 * subscribes to GENERATIONS_CHANNEL, on which each generation bump is announced, and trusts the
 * copies only while that subscription is whole. One per running instance.
 *
 * @module
 */
import type { Logger } from "../log.ts";
import type { CacheStore } from "../stores/cache/port.ts";
import { GENERATIONS_CHANNEL } from "./local_tier.ts";
import type { ReadThroughCache } from "./read_through.ts";

export interface GenerationSyncOptions {
  /** How soon a failed subscription is tried again. */
  retryEveryMs?: number;
}

/** Starts the subscription; the returned function stops it and leaves the copies off. */
export async function startGenerationSync(
  deps: { cache: CacheStore; cached: ReadThroughCache; log: Logger },
  options: GenerationSyncOptions = {},
): Promise<() => Promise<void>> {
  const { cache, cached, log } = deps;
  const tier = cached.local;
  let stopped = false;
  let unsubscribe: (() => Promise<void>) | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const subscribe = async () => {
    retry = undefined;
    if (stopped) return;
    try {
      const off = await cache.subscribe(GENERATIONS_CHANNEL, (ns) => tier.changed(ns), {
        onInterrupted: () => {
          tier.disable();
          log.warn("cache generation subscription cut; cached reads go to the cache store");
        },
        onResumed: () => {
          // What was announced while cut is lost: start again from empty.
          if (!stopped) tier.enable();
          log.info("cache generation subscription restored");
        },
      });
      if (stopped) return void await off();
      unsubscribe = off;
      tier.enable();
    } catch (err) {
      log.warn("cannot subscribe to cache generations; retrying", { error: String(err) });
      if (!stopped) retry = setTimeout(subscribe, options.retryEveryMs ?? 5_000);
    }
  };

  await subscribe();
  return async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    tier.disable();
    await unsubscribe?.();
  };
}
