/**
 * Reads again until what it reads is what a test waits for, or the time is up, for changes that
 * reach an instance a moment after the request that made them (publish/subscribe, outbox drains).
 * Returns the last value read; the test asserts on it, so a timeout fails with what was seen.
 *
 * @module
 */
export async function readUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { ms?: number; everyMs?: number } = {},
): Promise<T> {
  const until = Date.now() + (options.ms ?? 5_000);
  let value = await read();
  while (!done(value) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, options.everyMs ?? 25));
    value = await read();
  }
  return value;
}
