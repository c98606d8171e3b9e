// The password hash the bench users share and the cost of one hash: taken from the auth module
// (src/auth/passwords.ts) when it is present, so the figure is the one login really pays.
import { argon2id } from "hash-wasm";

interface Argon2Params {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

interface PasswordModule {
  PASSWORD_PARAMS: Argon2Params;
  hashPassword(password: string): Promise<string>;
}

/** OWASP's minimum for argon2id, used only if the auth module is not there yet. */
const OWASP: Argon2Params = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };

async function authModule(apiDir: string): Promise<PasswordModule | null> {
  const url = new URL(`file://${apiDir}/src/auth/passwords.ts`);
  try {
    await Deno.stat(url);
  } catch {
    return null;
  }
  return await import(url.href) as PasswordModule;
}

/** How passwords are hashed in this run and where that came from. */
export interface Hasher {
  params: Argon2Params;
  source: "src/auth/passwords.ts" | "OWASP default (auth module absent)";
  hash(password: string): Promise<string>;
}

/** The hasher of the API in `apiDir`, or argon2id at OWASP parameters when it has none. */
export async function loadHasher(apiDir: string): Promise<Hasher> {
  const mod = await authModule(apiDir);
  if (mod) {
    return {
      params: mod.PASSWORD_PARAMS,
      source: "src/auth/passwords.ts",
      hash: (p) => mod.hashPassword(p),
    };
  }
  return {
    params: OWASP,
    source: "OWASP default (auth module absent)",
    hash: (password) =>
      argon2id({
        password,
        salt: crypto.getRandomValues(new Uint8Array(16)),
        iterations: OWASP.iterations,
        parallelism: OWASP.parallelism,
        memorySize: OWASP.memoryKiB,
        hashLength: 32,
        outputType: "encoded",
      }),
  };
}

/** Milliseconds per hash: the median of `n` hashes after one warm-up (WASM compile). */
export async function hashCostMs(hasher: Hasher, n = 5): Promise<number> {
  await hasher.hash("warm-up-password");
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await hasher.hash(`bench-password-${i}`);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
