// Password hashing: argon2id (hash-wasm, pure WASM so it runs wherever the API does) at or above
// the OWASP parameters, stored as a PHC string; verification in constant time; rehash detection.
import { argon2id } from "hash-wasm";

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

interface ParsedHash {
  params: Argon2Params;
  salt: Uint8Array;
  hash: Uint8Array;
}

function fromB64(text: string): Uint8Array {
  const padded = text + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (ch) => ch.charCodeAt(0));
}

function parse(stored: string): ParsedHash | null {
  const m = stored.match(PHC);
  if (!m) return null;
  const params = { memoryKiB: Number(m[1]), iterations: Number(m[2]), parallelism: Number(m[3]) };
  // A stored string asking for absurd work would be a denial of service on login.
  if (
    params.memoryKiB < 8 || params.memoryKiB > 1_048_576 || params.iterations < 1 ||
    params.iterations > 64 || params.parallelism < 1 || params.parallelism > 16
  ) return null;
  try {
    return { params, salt: fromB64(m[4]), hash: fromB64(m[5]) };
  } catch {
    return null;
  }
}

/**
 * At most this many derivations at once. hash-wasm computes on the calling thread and gives each
 * call its own WASM instance with the full 19 MiB of argon2 memory, so unbounded concurrency
 * gained no speed and multiplied memory: 16 concurrent logins held over 700 MB (bench/). The
 * limit is per process on purpose (it guards the process's memory, whatever app runs in it).
 */
const MAX_CONCURRENT_DERIVATIONS = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function withDerivationSlot<T>(work: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_DERIVATIONS) running++;
  // A finishing call hands its slot straight to the next waiter, so `running` never overshoots.
  else await new Promise<void>((r) => waiting.push(r));
  peak = Math.max(peak, running);
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

let peak = 0;

/** Derivations in progress and the most seen at once since the last reset (tests, metrics). */
export function derivationStats(reset = false): { running: number; peak: number } {
  const out = { running, peak };
  if (reset) peak = running;
  return out;
}

function derive(
  password: string,
  salt: Uint8Array,
  params: Argon2Params,
  hashLength: number,
): Promise<Uint8Array> {
  return withDerivationSlot(() =>
    argon2id({
      password,
      salt,
      iterations: params.iterations,
      parallelism: params.parallelism,
      memorySize: params.memoryKiB,
      hashLength,
      outputType: "binary",
    })
  );
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
export function hashPassword(
  password: string,
  params: Argon2Params = PASSWORD_PARAMS,
): Promise<string> {
  return withDerivationSlot(() =>
    argon2id({
      password,
      salt: crypto.getRandomValues(new Uint8Array(SALT_BYTES)),
      iterations: params.iterations,
      parallelism: params.parallelism,
      memorySize: params.memoryKiB,
      hashLength: HASH_BYTES,
      outputType: "encoded",
    })
  );
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
  // The library refuses an empty password; do the same work on a stand-in and refuse after.
  const actual = await derive(password || "\0", parsed.salt, parsed.params, parsed.hash.length);
  return constantTimeEqual(actual, parsed.hash) && password !== "";
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
