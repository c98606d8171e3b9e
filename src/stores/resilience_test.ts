// withTimeout over the shared deadline timer: values and errors pass through, late calls time
// out at their own deadline whatever else is in flight, and no timer outlives the calls.
import assert from "node:assert/strict";
import { StoreError } from "./errors.ts";
import { retry, withTimeout } from "./resilience.ts";

const after = <T>(ms: number, value: T) =>
  new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

Deno.test("withTimeout", async (t) => {
  await t.step("passes a value and an error through", async () => {
    assert.equal(await withTimeout("cache", 1_000, Promise.resolve(7)), 7);
    await assert.rejects(
      withTimeout("cache", 1_000, Promise.reject(new Error("boom"))),
      /boom/,
    );
  });

  await t.step("rejects with a timeout StoreError naming the role and the call", async () => {
    const slow = after(300, "late");
    const err = await withTimeout("graph", 20, slow, "query").catch((e) => e);
    assert.ok(err instanceof StoreError);
    assert.equal(err.code, "timeout");
    assert.equal(err.store, "graph");
    assert.match(err.message, /graph query timed out after 20 ms/);
    await slow;
  });

  await t.step("a short deadline added after a long one fires at its own time", async () => {
    const long = withTimeout("cache", 2_000, after(50, "long"));
    const started = performance.now();
    const short = await withTimeout("cache", 20, after(400, "short")).catch((e) => e);
    const waited = performance.now() - started;
    assert.ok(short instanceof StoreError);
    assert.ok(waited < 300, `the 20 ms deadline fired after ${waited.toFixed(0)} ms`);
    assert.equal(await long, "long");
    await after(400, null); // lets the slow call settle before the sanitizer looks
  });

  await t.step("many calls in flight: each settles once, the late ones time out", async () => {
    const calls = Array.from(
      { length: 50 },
      (_, i) => withTimeout("cache", 40, after(i % 2 === 0 ? 5 : 120, i)).catch(() => "timeout"),
    );
    const results = await Promise.all(calls);
    results.forEach((r, i) => assert.equal(r, i % 2 === 0 ? i : "timeout"));
    await after(130, null);
  });
});

Deno.test("retry gives up after its attempts and returns the first success", async () => {
  let calls = 0;
  const value = await retry(() => {
    calls++;
    return calls < 3 ? Promise.reject(new Error("not yet")) : Promise.resolve("ok");
  }, { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 });
  assert.equal(value, "ok");
  assert.equal(calls, 3);
  await assert.rejects(
    retry(() => Promise.reject(new Error("never")), { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 }),
    /never/,
  );
});
