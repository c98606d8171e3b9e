/**
 * Seals the token pair kept in the cache for a refresh retry's grace window, under a key derived
 * from the refresh token the client presented: only a holder of that token can open it, so what
 * sits in Redis (or its dumps) for those seconds is not a usable pair.
 *
 * @module
 */
import { decodeBase64url, encodeBase64url } from "../../shared/base64url.ts";

const encoder = new TextEncoder();
const INFO = encoder.encode("polystore refresh grace v1");

async function keyFor(refreshToken: string): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey("raw", encoder.encode(refreshToken), "HKDF", false, [
    "deriveKey",
  ]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: INFO },
    ikm,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

/** `plaintext` sealed for `refreshToken`: base64url of a 12-byte IV and the AES-GCM ciphertext. */
export async function seal(refreshToken: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      await keyFor(refreshToken),
      encoder.encode(plaintext),
    ),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return encodeBase64url(out);
}

/** The plaintext, or null when `sealed` was not made for this token (or was altered). */
export async function open(refreshToken: string, sealed: string): Promise<string | null> {
  try {
    const bytes = decodeBase64url(sealed);
    if (bytes === null || bytes.length < 12) return null;
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, 12) },
      await keyFor(refreshToken),
      bytes.slice(12),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
