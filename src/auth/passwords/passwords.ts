/**
 * Password hashing: argon2id (WASM, so it runs wherever the API does) at or above the OWASP
 * parameters, stored as a PHC string; verification in constant time; rehash detection.
 *
 * @module
 */
import { argon2id } from "./argon2.ts";

/** Argon2id cost. OWASP's minimum is m=19456 KiB, t=2, p=1. */
export interface Argon2Params {
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export const PASSWORD_PARAMS: Readonly<Argon2Params> = {
  memoryKiB: 19_456,
  iterations: 2,
  parallelism: 1,
};

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

const HASH_BYTES = 32;
const SALT_BYTES = 16;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export interface ParsedHash {
  params: Argon2Params;
  salt: Uint8Array;
  hash: Uint8Array;
}

/** PHC strings use standard base64 without padding (not base64url). */
function fromB64(text: string): Uint8Array {
  return Uint8Array.fromBase64(text, { lastChunkHandling: "loose" });
}

/** A stored PHC string's parts, or null when it is not ours or asks for too much work. */
export function parse(stored: string): ParsedHash | null {
  const m = stored.match(PHC);
  if (!m) return null;
  const params = { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]) };
  // A stored string asking for absurd work would be a denial of service on login.
  if (
    params.memoryKiB < 8 || params.memoryKiB > 262_144 || params.iterations < 1 ||
    params.iterations > 16 || params.parallelism < 1 || params.parallelism > 16
  ) return null;
  try {
    return { params, salt: fromB64(m[4]), hash: fromB64(m[5]) };
  } catch {
    return null;
  }
}

function toB64(bytes: Uint8Array): string {
  return bytes.toBase64({ omitPadding: true });
}

/**
 * The argon2id build takes passwords of 8 bytes or more. Shorter ones can never be ours (every
 * password we hash is PASSWORD_MIN_LENGTH characters or more): they are checked against this
 * stand-in, for the same work, and refused.
 */
const MIN_DERIVABLE_BYTES = 8;
const STAND_IN = new Uint8Array(MIN_DERIVABLE_BYTES);

function derive(
  password: Uint8Array,
  salt: Uint8Array,
  params: Argon2Params,
  hashLength: number,
): Promise<Uint8Array> {
  return argon2id({ password, salt, hashLength, ...params });
}

/** Byte comparison whose time depends only on the lengths, never on where bytes differ. */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * Hashes `password` with a fresh 16-byte salt into a PHC string
 * (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
 */
export async function hashPassword(
  password: string,
  params: Argon2Params = PASSWORD_PARAMS,
): Promise<string> {
  const bytes = new TextEncoder().encode(password);
  if (bytes.length < MIN_DERIVABLE_BYTES) {
    throw new RangeError(`a password to hash needs ${MIN_DERIVABLE_BYTES} bytes or more`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(bytes, salt, params, HASH_BYTES);
  const { memoryKiB: m, iterations: t, parallelism: p } = params;
  return `$argon2id$v=19$m=${m},t=${t},p=${p}$${toB64(salt)}$${toB64(hash)}`;
}

/**
 * True when `password` matches the PHC string `stored`. A malformed or foreign hash (e.g. the
 * "!" of an account that has no password) is false, after the same work as a real check so the
 * answer time does not tell the two apart.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === null) {
    await verifyPassword(password, await dummyHash());
    return false;
  }
  const bytes = new TextEncoder().encode(password);
  const derivable = bytes.length >= MIN_DERIVABLE_BYTES;
  const actual = await derive(
    derivable ? bytes : STAND_IN,
    parsed.salt,
    parsed.params,
    parsed.hash.length,
  );
  return constantTimeEqual(actual, parsed.hash) && derivable;
}

/** True when `stored` was made with weaker parameters than `current` (or is not argon2id). */
export function needsRehash(stored: string, current: Argon2Params = PASSWORD_PARAMS): boolean {
  const parsed = parse(stored);
  if (parsed === null) return true;
  const p = parsed.params;
  return p.memoryKiB < current.memoryKiB || p.iterations < current.iterations ||
    p.parallelism < current.parallelism || parsed.hash.length < HASH_BYTES;
}

// One hash of a random password at the current parameters, made on first use. Checking a login
// for an unknown e-mail against it costs what checking a real account costs. It is a constant,
// not state: every app may share it.
let dummy: Promise<string> | undefined;

/** A hash no password matches, at the current parameters (for unknown-user logins). */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(crypto.randomUUID());
  return dummy;
}
