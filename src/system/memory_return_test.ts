import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { openMallocTrim, startMemoryReturn } from "./memory_return.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rss = () => Deno.memoryUsage().rss;
const MB = 1024 * 1024;

Deno.test("memory return: trims on its timer until stopped, never when off or unavailable", async (t) => {
  const lines: string[] = [];
  const log = createLogger("debug", (l) => lines.push(l));

  await t.step("every interval while it runs, not after stop", async () => {
    let calls = 0;
    const stop = startMemoryReturn({ everyMs: 20, log, trim: () => calls++ });
    await sleep(130);
    stop();
    assert.ok(calls >= 3, `trimmed ${calls} times in 130 ms at 20 ms`);
    const at = calls;
    await sleep(60);
    assert.equal(calls, at);
  });

  await t.step("0 turns it off", async () => {
    let calls = 0;
    const stop = startMemoryReturn({ everyMs: 0, log, trim: () => calls++ });
    await sleep(50);
    stop();
    assert.equal(calls, 0);
  });

  await t.step("without malloc_trim it says so once and does nothing", () => {
    const stop = startMemoryReturn({ everyMs: 20, log, trim: null });
    stop();
    assert.equal(lines.filter((l) => l.includes("memory return off")).length, 1);
  });
});

Deno.test("memory return: malloc_trim hands freed C heap pages back to the system", () => {
  const trim = openMallocTrim();
  // glibc only; elsewhere there is nothing to call and the API runs without it.
  if (Deno.build.os !== "linux") return assert.equal(trim, null);
  assert.ok(trim, "glibc's malloc_trim is reachable on this Linux with FFI allowed");
  const libc = Deno.dlopen("libc.so.6", {
    malloc: { parameters: ["usize"], result: "pointer" },
    memset: { parameters: ["pointer", "i32", "usize"], result: "pointer" },
    free: { parameters: ["pointer"], result: "void" },
  });
  try {
    // 128 MB in 64 KiB blocks (below the mmap threshold, so they come from the heap), touched;
    // every other one freed: the holes cannot be given back by moving the heap's top, so they
    // stay resident until something trims them.
    const blocks = Array.from({ length: 2048 }, () => {
      const p = libc.symbols.malloc(65536n);
      assert.ok(p);
      libc.symbols.memset(p, 1, 65536n);
      return p;
    });
    for (let i = 0; i < blocks.length; i += 2) libc.symbols.free(blocks[i]);
    const before = rss();
    trim();
    const after = rss();
    for (let i = 1; i < blocks.length; i += 2) libc.symbols.free(blocks[i]);
    assert.ok(
      before - after >= 48 * MB,
      `resident ${(before / MB).toFixed(0)} -> ${(after / MB).toFixed(0)} MB`,
    );
  } finally {
    libc.close();
  }
});
