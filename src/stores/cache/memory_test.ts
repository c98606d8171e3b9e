/**
 * The in-process cache reports a failing subscriber through the logger it was given (redacted,
 * JSON), never through console.error, and still delivers to the other subscribers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createLogger } from "../../log.ts";
import { openMemoryCache } from "./memory.ts";

Deno.test("a failing subscriber is logged through the injected logger", async () => {
  const lines: string[] = [];
  const cache = openMemoryCache({ log: createLogger("error", (l) => lines.push(l)) });
  const got: string[] = [];
  try {
    await cache.subscribe("ch", () => {
      throw new Error("boom in handler");
    });
    await cache.subscribe("ch", (m) => void got.push(m));
    await cache.publish("ch", "hello");
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(got, ["hello"]);
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]);
    assert.equal(line.msg, "cache subscriber failed");
    assert.equal(line.channel, "ch");
    assert.match(line.error, /boom in handler/);
  } finally {
    await cache.close();
  }
});
