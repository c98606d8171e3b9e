// Resident memory the process actually holds: garbage collected first, then the C allocator's
// free pages handed back, so a measure counts live buffers rather than what the allocators keep
// cached for reuse (glibc keeps tens of MB of freed network buffers mapped across its arenas).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** glibc's malloc_trim, where the C library is glibc (elsewhere only the collector runs). */
const trim: (() => void) | null = (() => {
  if (Deno.build.os !== "linux") return null;
  try {
    const libc = Deno.dlopen("libc.so.6", {
      malloc_trim: { parameters: ["usize"], result: "i32" },
    });
    return () => void libc.symbols.malloc_trim(0n);
  } catch {
    return null; // musl or no FFI permission: the collector alone still counts live JS buffers
  }
})();

/** Collects garbage, returns freed C heap pages to the system and reads resident memory. */
export function heldMemory(): number {
  gc();
  trim?.();
  return Deno.memoryUsage().rss;
}
