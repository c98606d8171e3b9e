// Resident memory the process actually holds: garbage collected first, then the C allocator's
// free pages handed back, so a measure counts live buffers rather than what the allocators keep
// cached for reuse (glibc keeps tens of MB of freed network buffers mapped across its arenas).
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { openMallocTrim } from "../../src/system/memory_return.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

// Where the C library is not glibc, or FFI is not allowed, only the collector runs: it still
// counts live JS buffers.
const trim = openMallocTrim();

/** Collects garbage, returns freed C heap pages to the system and reads resident memory. */
export function heldMemory(): number {
  gc();
  trim?.();
  return Deno.memoryUsage().rss;
}
