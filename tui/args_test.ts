import assert from "node:assert/strict";
import { parseArgs } from "./args.ts";

Deno.test("tui args", () => {
  assert.deepEqual(parseArgs([]), {
    readOnly: false,
    refreshMs: 2000,
    logFile: null,
    help: false,
    apiUrl: null,
    token: null,
  });
  assert.deepEqual(
    parseArgs(["--read-only", "--refresh", "500", "--log=x.log", "--api", "http://127.0.0.1:8000"]),
    {
      readOnly: true,
      refreshMs: 500,
      logFile: "x.log",
      help: false,
      apiUrl: "http://127.0.0.1:8000",
      token: null,
    },
  );
  assert.deepEqual(parseArgs(["--api", "http://h:1", "--token", "a.b-c_d"]), {
    readOnly: false,
    refreshMs: 2000,
    logFile: null,
    help: false,
    apiUrl: "http://h:1",
    token: "a.b-c_d",
  });
  assert.ok("error" in parseArgs(["--token", "a.b.c"]), "--token without --api");
  assert.ok("error" in parseArgs(["--api", "http://h:1", "--token"]));
  assert.ok("error" in parseArgs(["--api", "ftp://x"]));
  assert.ok("error" in parseArgs(["--refresh", "10"]));
  assert.ok("error" in parseArgs(["--bogus"]));
});
