/**
 * Hands the C allocator's free pages back to the system on a timer. glibc's malloc keeps what is
 * freed mapped for reuse and, unlike jemalloc or tcmalloc, never returns it on its own; the API's
 * native side (HTTP buffers, the messages between PGlite's thread and this one) frees tens of MB
 * a second under load, so resident memory grew by ~150 MB over a bench run while both V8 heaps
 * and PGlite's WASM memory stayed flat.
 *
 * @module
 */
import type { Logger } from "../log.ts";

/**
 * glibc's `malloc_trim(0)`, which returns free pages of every arena; null where it cannot be
 * called (not Linux, a C library other than glibc, or no FFI permission).
 */
export function openMallocTrim(): (() => void) | null {
  if (Deno.build.os !== "linux") return null;
  // Asked first: a denied permission must not prompt, and dlopen would throw after a prompt.
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
  try {
    const libc = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    return () => void libc.symbols.malloc_trim(0n);
  } catch {
    return null; // musl and others: no libc.so.6, or one without malloc_trim
  }
}

export interface MemoryReturnOptions {
  /** How often to trim, in ms; 0 turns it off. */
  everyMs: number;
  log: Logger;
  /** The trim to call; `openMallocTrim()` by default (tests pass their own). */
  trim?: (() => void) | null;
}

/** Trims every `everyMs` until the returned function is called. */
export function startMemoryReturn(options: MemoryReturnOptions): () => void {
  if (options.everyMs <= 0) return () => {};
  const trim = options.trim === undefined ? openMallocTrim() : options.trim;
  if (trim === null) {
    options.log.debug("memory return off: malloc_trim is not available here", {});
    return () => {};
  }
  // One call takes ~1-3 ms on the event loop (up to ~8 ms after a burst): small beside the
  // interval, and it runs whether or not there was traffic, as an idle trim is cheap.
  const timer = setInterval(trim, options.everyMs);
  // The timer must not keep a finished process alive.
  Deno.unrefTimer(timer);
  return () => clearInterval(timer);
}
