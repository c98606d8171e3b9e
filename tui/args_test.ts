import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";

Deno.test("tui args", () => {
  assert.deepEqual(parseArgs([]), { readOnly: false, refreshMs: 2000, logFile: null, help: false });
  assert.deepEqual(parseArgs(["--read-only", "--refresh", "500", "--log=x.log"]), {
    readOnly: true,
    refreshMs: 500,
    logFile: "x.log",
    help: false,
  });
  assert.ok("error" in parseArgs(["--refresh", "10"]));
  assert.ok("error" in parseArgs(["--bogus"]));
});
