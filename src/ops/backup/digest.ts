/**
 * Checksums for backups: SHA-256 of bytes as stored (integrity), and an order-independent digest
 * of items in canonical JSON (equality of content across adapters and profiles).
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Incremental SHA-256 over chunks; `hex()` once at the end. */
export class Sha256 {
  #hash = createHash("sha256");
  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
  }
  hex(): string {
    return this.#hash.digest("hex");
  }
}

/** SHA-256 (hex) of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value).sort()) {
    out[k] = sortKeys((value as Record<string, unknown>)[k]);
  }
  return out;
}

const MOD = 1n << 256n;

/**
 * A multiset digest: the sum, modulo 2^256, of each item's SHA-256. Adding items in any order
 * gives the same value, so a table dumped in another order, or a collection exported by another
 * adapter, digests equal when it holds the same items.
 */
export class SetDigest {
  #sum = 0n;
  #count = 0;
  /** Adds one item given as its canonical text. */
  add(canonical: string): void {
    this.#sum = (this.#sum + BigInt("0x" + sha256Hex(canonical))) % MOD;
    this.#count++;
  }
  /** Adds one NDJSON line: parsed and re-serialised canonically. */
  addJsonLine(line: string): void {
    this.add(canonicalJson(JSON.parse(line)));
  }
  get count(): number {
    return this.#count;
  }
  hex(): string {
    return this.#sum.toString(16).padStart(64, "0");
  }
}

/** Splits chunks of text (each holding whole or partial lines) into whole non-blank lines. */
export async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = "";
  for await (const chunk of chunks) {
    const parts = (rest + chunk).split("\n");
    rest = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") yield line;
  }
  if (rest.trim() !== "") yield rest;
}
