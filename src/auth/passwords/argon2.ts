/**
 * The argon2id derivation behind password hashing: the OpenPGP.js project's WASM build, loaded
 * once per process and reused, so every hash works in the same 19 MiB instead of a new instance.
 *
 * @module
 */
import setupWasm from "argon2id/lib/setup.js";

/** One argon2id derivation (RFC 9106, version 0x13). */
export interface Argon2Input {
  password: Uint8Array;
  salt: Uint8Array;
  /** Memory in KiB. */
  memoryKiB: number;
  iterations: number;
  parallelism: number;
  hashLength: number;
}

type Compute = Awaited<ReturnType<typeof setupWasm>>;

// The package ships its binaries as files beside the code; the SIMD one is tried first.
const binary = (name: string) => async (imports: WebAssembly.Imports) => {
  memory = imports.env.memory as WebAssembly.Memory;
  const bytes = await Deno.readFile(new URL(import.meta.resolve(`argon2id/dist/${name}`)));
  return await WebAssembly.instantiate(bytes, imports);
};

// A per-process constant like a compiled module, not app state: the instance keeps no data
// between calls (the library clears its memory after each hash), so every app may share it.
// hash-wasm, used before, gave each call a fresh instance whose memory V8 reclaimed late: a
// login burst held 1.7 GB resident (bench/results/2026-11-22.md).
let loaded: Promise<Compute> | undefined;
let memory: WebAssembly.Memory | undefined;

/** Bytes of WASM memory the shared instance holds (0 before the first hash); for tests, metrics. */
export function argon2MemoryBytes(): number {
  return memory?.buffer.byteLength ?? 0;
}

/**
 * The raw argon2id tag. The computation is synchronous on the calling thread, so derivations
 * never overlap within a process and the shared memory holds one at a time.
 */
export async function argon2id(input: Argon2Input): Promise<Uint8Array> {
  loaded ??= setupWasm(binary("simd.wasm"), binary("no-simd.wasm"));
  const compute = await loaded;
  return compute({
    password: input.password,
    salt: input.salt,
    memorySize: input.memoryKiB,
    passes: input.iterations,
    parallelism: input.parallelism,
    tagLength: input.hashLength,
  });
}
