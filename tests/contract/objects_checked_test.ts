// The checked wrapper: input is refused before any adapter sees it, unknown adapter failures become
// `unavailable` StoreErrors, a caller's own stream error comes back unchanged, and the capability
// guards tell the folder adapter from a plain port.
import assert from "node:assert/strict";
import { isStoreError, StoreError } from "../../src/stores/errors.ts";
import { hasLifecycleSweep, hasLocalSigning } from "../../src/stores/objects/capabilities.ts";
import { checkObjects } from "../../src/stores/objects/checked.ts";
import { openFolderObjects } from "../../src/stores/objects/folder.ts";
import type { ObjectStore } from "../../src/stores/objects/port.ts";

/** An adapter that records its calls and fails as told. */
function spyAdapter(fail: () => unknown = () => undefined) {
  const calls: string[] = [];
  const record = (name: string) => async (...args: unknown[]) => {
    calls.push(`${name} ${JSON.stringify(args.filter((a) => !(a instanceof ReadableStream)))}`);
    const err = fail();
    if (err !== undefined) throw err;
    const body = args.find((a) => a instanceof ReadableStream) as ReadableStream | undefined;
    if (body) { for await (const _ of body) { /* drain */ } }
    return name === "listBuckets" || name === "list" || name === "getLifecycle" ? [] : null;
  };
  const names = [
    "ensureBucket",
    "listBuckets",
    "put",
    "get",
    "stat",
    "list",
    "remove",
    "signedGetUrl",
    "signedPutUrl",
    "setLifecycle",
    "getLifecycle",
    "health",
    "close",
  ];
  const adapter = Object.fromEntries(names.map((n) => [n, record(n)]));
  return { calls, adapter: { adapter: "spy", ...adapter } as unknown as ObjectStore };
}

Deno.test("objects checked: bad input never reaches the adapter", async (t) => {
  const { calls, adapter } = spyAdapter();
  const store = checkObjects(adapter);
  const invalid = (e: unknown) => isStoreError(e, "invalid");
  await t.step("every operation refuses bad names", async () => {
    await assert.rejects(store.ensureBucket("Bad_Name"), invalid);
    await assert.rejects(store.put("box", "../x", "y"), invalid);
    await assert.rejects(store.put("box", "a", "y", { contentType: "nope" }), invalid);
    await assert.rejects(store.put("box", "a", "y", { metadata: { "x-amz-a": "1" } }), invalid);
    await assert.rejects(store.put("box", "a", "y", { size: -1 }), invalid);
    await assert.rejects(store.get("box", "/abs"), invalid);
    await assert.rejects(store.stat("box", "a//b"), invalid);
    await assert.rejects(store.list("box", "../"), invalid);
    await assert.rejects(store.list("box", "", { limit: 0 }), invalid);
    await assert.rejects(store.remove("box", "a\\b"), invalid);
    await assert.rejects(store.signedGetUrl("box", "a", 0), invalid);
    await assert.rejects(store.signedPutUrl("box", "a", 60, { maxSize: 1.5 }), invalid);
    await assert.rejects(store.setLifecycle("box", [{ prefix: "", expireDays: 0 }]), invalid);
    await assert.rejects(store.getLifecycle("x"), invalid);
    assert.deepEqual(calls, []);
  });
  await t.step("good input arrives normalised", async () => {
    await store.put("box", "a.txt", "y");
    await store.list("box");
    assert.deepEqual(calls, [
      `put ["box","a.txt","y",{"contentType":"application/octet-stream","metadata":{}}]`,
      `list ["box","",{"limit":1000}]`,
    ]);
  });
});

Deno.test("objects checked: unknown failures become unavailable, store errors pass", async () => {
  let next: unknown = new TypeError("socket hang up");
  const { adapter } = spyAdapter(() => next);
  const store = checkObjects(adapter);
  await assert.rejects(
    store.stat("box", "a"),
    (e) => isStoreError(e, "unavailable") && (e as Error).cause instanceof TypeError,
  );
  next = new StoreError("conflict", "objects", "taken");
  await assert.rejects(store.stat("box", "a"), (e) => isStoreError(e, "conflict"));
});

Deno.test("objects checked: a caller's stream error comes back unchanged", async () => {
  class Refused extends Error {}
  const root = await Deno.makeTempDir({ prefix: "objects_checked_" });
  const store = await openFolderObjects({
    root,
    signingKey: "test-signing-key-0123456789",
    publicUrl: "http://polystore.test",
  });
  try {
    await store.ensureBucket("box");
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (n++ < 2) ctl.enqueue(new Uint8Array(10));
        else ctl.error(new Refused("too big"));
      },
    });
    await assert.rejects(store.put("box", "a.bin", body), (e) => e instanceof Refused);
    assert.equal(await store.stat("box", "a.bin"), null);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("objects checked: capability guards", async () => {
  const root = await Deno.makeTempDir({ prefix: "objects_checked_" });
  const folder = await openFolderObjects({
    root,
    signingKey: "test-signing-key-0123456789",
    publicUrl: "http://polystore.test",
  });
  try {
    assert.ok(hasLocalSigning(folder));
    assert.ok(hasLifecycleSweep(folder));
    const plain = checkObjects(spyAdapter().adapter);
    assert.equal(hasLocalSigning(plain), false);
    assert.equal(hasLifecycleSweep(plain), false);
    // A malformed name is refused as a bad signature, not an exception.
    const check = await folder.verifySignedRequest({
      method: "GET",
      bucket: "box",
      key: "../etc/passwd",
      params: new URLSearchParams(),
    });
    assert.deepEqual(check, { ok: false, reason: "bad_signature" });
  } finally {
    await folder.close();
    await Deno.remove(root, { recursive: true });
  }
});
