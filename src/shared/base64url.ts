/**
 * base64url (RFC 4648 section 5) without padding, through the built-in `Uint8Array` codecs: one
 * encoding and one decoding rule for every cursor, tag, token and seal in polystore.
 *
 * @example
 * ```ts
 * import { decodeBase64url, encodeBase64url } from "./base64url.ts";
 * const text = encodeBase64url(new TextEncoder().encode("hi")); // "aGk"
 * decodeBase64url(text); // Uint8Array [104, 105]
 * decodeBase64url("aGk="); // null: padding is not part of the alphabet
 * ```
 * @module
 */

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** `bytes` as base64url text with no `=` padding. */
export function encodeBase64url(bytes: Uint8Array): string {
  return bytes.toBase64({ alphabet: "base64url", omitPadding: true });
}

/** UTF-8 `text` as base64url. */
export function encodeBase64urlText(text: string): string {
  return encodeBase64url(new TextEncoder().encode(text));
}

/**
 * The bytes of unpadded base64url `text`, or null when it is not exactly that: `+`, `/`, `=`,
 * white space and a dangling final character are all refused, so a tampered value never decodes.
 */
export function decodeBase64url(text: string): Uint8Array | null {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return null;
  try {
    // "strict" also refuses non-zero trailing bits, but wants the padding that the wire omits.
    const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
    return Uint8Array.fromBase64(padded, { alphabet: "base64url", lastChunkHandling: "strict" });
  } catch {
    return null;
  }
}

/** UTF-8 text of base64url `text`, or null when either layer is malformed. */
export function decodeBase64urlText(text: string): string | null {
  const bytes = decodeBase64url(text);
  if (bytes === null) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
