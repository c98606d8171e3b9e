/**
 * NOTIFY channel names both adapters accept: plain lower-case identifiers, so LISTEN can take
 * them unquoted and PGlite (which folds unquoted names) and server Postgres mean the same one.
 *
 * @module
 */

const CHANNEL_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Throws on a channel name that is not a plain lower-case identifier. */
export function checkChannel(channel: string): void {
  if (!CHANNEL_RE.test(channel)) throw new TypeError(`not a channel name: ${channel}`);
}
