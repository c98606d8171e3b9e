// The worker's helpers that make the lag small: the in-process wake-up (a notify ends the wait,
// even one sent before the wait began; without one the wait ends at its timeout), and the corpus
// cache (read once per owner until it is older than its ttl; processed insights are put in).
import assert from "node:assert/strict";
import { CorpusCache } from "../../src/insights/corpus_cache.ts";
import type { InsightDoc } from "../../src/insights/documents.ts";
import { Wake, wakesOf } from "../../src/insights/wake.ts";

Deno.test("wake: notify ends a wait, early or late; the timeout ends it otherwise", async (t) => {
  await t.step("a notify while waiting", async () => {
    const w = new Wake();
    const waited = w.wait(60_000);
    w.notify();
    await waited; // would hang for a minute without the notify
  });
  await t.step("a notify before the wait is kept for it", async () => {
    const w = new Wake();
    w.notify();
    await w.wait(60_000); // would hang for a minute if the notify were lost
  });
  await t.step("one set of wake-ups per relational store", () => {
    const a = {}, b = {};
    assert.equal(wakesOf(a), wakesOf(a));
    assert.notEqual(wakesOf(a), wakesOf(b));
  });
});

function doc(id: string, owner: string, at: number): InsightDoc {
  return {
    _id: id,
    title: id,
    body: "",
    tags: [],
    source: "manual",
    status: "pending",
    status_reason: null,
    keywords: [],
    entities: [],
    owner_id: owner,
    company_id: null,
    audio_key: null,
    version: 1,
    created_at: new Date(at),
    updated_at: new Date(at),
    deleted_at: null,
  };
}

Deno.test("corpus cache: one read per owner per ttl, puts in between, newest first", async () => {
  const stored = new Map<string, InsightDoc[]>([["o1", [doc("a", "o1", 1), doc("b", "o1", 2)]]]);
  const reads: string[] = [];
  const cache = new CorpusCache(
    (owner) => {
      reads.push(owner);
      return Promise.resolve([...(stored.get(owner) ?? [])]);
    },
    1000,
    2,
  );
  assert.deepEqual((await cache.get("o1", 0)).map((d) => d._id), ["b", "a"]);
  await cache.put(doc("c", "o1", 3));
  await cache.put(doc("z", "o2", 3)); // owner not cached: nothing to keep current
  assert.deepEqual((await cache.get("o1", 500)).map((d) => d._id), ["c", "b"], "limit 2");
  assert.deepEqual(reads, ["o1"]);
  await cache.put({ ...doc("c", "o1", 3), deleted_at: new Date(4) });
  assert.deepEqual((await cache.get("o1", 900)).map((d) => d._id), ["b", "a"]);
  stored.set("o1", [doc("d", "o1", 5)]);
  assert.deepEqual((await cache.get("o1", 2000)).map((d) => d._id), ["d"], "re-read after ttl");
  assert.deepEqual(reads, ["o1", "o1"]);
});
