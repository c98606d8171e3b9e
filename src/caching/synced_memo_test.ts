// The memo is only as good as its drops: a load that raced a drop, or an entry kept across a cut
// subscription, would serve a change that already happened as if it had not.
import assert from "node:assert/strict";
import { SyncedMemo } from "./synced_memo.ts";

const memo = () => new SyncedMemo<{ v: number }>({ ttlMs: 60_000, max: 10 });

Deno.test("synced memo: nothing is kept or served until enabled", () => {
  const m = memo();
  m.set("a", { v: 1 }, m.epoch);
  assert.equal(m.get("a"), undefined);
  m.enable();
  m.set("a", { v: 1 }, m.epoch);
  assert.deepEqual(m.get("a"), { v: 1 });
});

Deno.test("synced memo: a load that began before a drop does not store what it read", () => {
  const m = memo();
  m.enable();
  const before = m.epoch;
  m.drop("b"); // a change to any key lands while the load of "a" is in flight
  m.set("a", { v: 1 }, before);
  assert.equal(m.get("a"), undefined);
  m.set("a", { v: 2 }, m.epoch);
  assert.deepEqual(m.get("a"), { v: 2 });
});

Deno.test("synced memo: drop, dropAll and a cut empty it; a cut keeps it off", () => {
  const m = memo();
  m.enable();
  for (const k of ["a", "b", "c"]) m.set(k, { v: 1 }, m.epoch);
  m.drop("a");
  assert.equal(m.get("a"), undefined);
  assert.deepEqual(m.get("b"), { v: 1 });
  m.dropAll();
  assert.equal(m.get("b"), undefined);
  m.set("c", { v: 1 }, m.epoch);
  m.disable();
  assert.equal(m.live, false);
  m.set("c", { v: 2 }, m.epoch);
  m.enable();
  assert.equal(m.get("c"), undefined, "an entry from before the cut came back");
});
