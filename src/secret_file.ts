/**
 * In a purely embedded run JWT_SECRET may be left unset: a random secret is made once and kept in
 * $DATA_DIR/jwt_secret (mode 0600), so tokens survive restarts without any setup.
 *
 * @module
 */

import { encodeBase64url } from "./shared/base64url.ts";

/** Returns the secret stored in `dataDir`, creating it on first use. */
export async function loadOrCreateSecret(dataDir: string): Promise<string> {
  const path = `${dataDir}/jwt_secret`;
  try {
    const existing = (await Deno.readTextFile(path)).trim();
    if (existing.length >= 32) return existing;
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const bytes = crypto.getRandomValues(new Uint8Array(48));
  const secret = encodeBase64url(bytes);
  // createNew: if another process won the race, read its secret instead of overwriting it.
  try {
    await Deno.writeTextFile(path, secret, { createNew: true, mode: 0o600 });
    return secret;
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) return (await Deno.readTextFile(path)).trim();
    throw err;
  }
}
