import assert from "node:assert/strict";
import { argon2MemoryBytes } from "./argon2.ts";
import {
  constantTimeEqual,
  dummyHash,
  hashPassword,
  needsRehash,
  parse,
  PASSWORD_PARAMS,
  verifyPassword,
} from "./passwords.ts";

Deno.test("argon2id password hashes", async (t) => {
  const stored = await hashPassword("correct horse battery staple");

  await t.step("PHC string at the OWASP parameters with a 16-byte salt", () => {
    const m = stored.match(/^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$/);
    assert.ok(m, stored);
    assert.deepEqual(m.slice(1, 4).map(Number), [19456, 2, 1]);
    assert.equal(atob(m[4] + "==".slice(0, (4 - (m[4].length % 4)) % 4)).length, 16);
  });

  await t.step("two hashes of one password differ (random salt)", async () => {
    assert.notEqual(await hashPassword("correct horse battery staple"), stored);
  });

  await t.step("verify accepts the password and nothing else", async () => {
    assert.equal(await verifyPassword("correct horse battery staple", stored), true);
    assert.equal(await verifyPassword("correct horse battery stapl", stored), false);
    assert.equal(await verifyPassword("", stored), false);
  });

  await t.step("malformed or foreign hashes never verify", async () => {
    for (const bad of ["!", "", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "$2b$10$abc"]) {
      assert.equal(await verifyPassword("x", bad), false, bad);
    }
    // Absurd cost parameters in a stored string are refused rather than computed.
    assert.notEqual(parse(stored), null);
    for (const costly of [["m=19456", "m=262145"], ["t=2", "t=17"], ["p=1", "p=17"]]) {
      const huge = stored.replace(costly[0], costly[1]);
      assert.equal(parse(huge), null, `${costly[1]} would be computed`);
      assert.equal(await verifyPassword("correct horse battery staple", huge), false, costly[1]);
    }
  });

  await t.step("needsRehash flags weaker parameters only", async () => {
    assert.equal(needsRehash(stored), false);
    const weak = await hashPassword("weak pw", { memoryKiB: 1024, iterations: 1, parallelism: 1 })
      .catch((e) => e);
    assert.ok(weak instanceof RangeError, "under 8 bytes is never hashed");
    const old = await hashPassword("old password", {
      memoryKiB: 1024,
      iterations: 1,
      parallelism: 1,
    });
    assert.equal(needsRehash(old), true);
    assert.equal(await verifyPassword("old password", old), true, "old hashes still verify");
    assert.equal(needsRehash(stored, { ...PASSWORD_PARAMS, iterations: 3 }), true);
    assert.equal(needsRehash("!"), true);
  });

  await t.step("the dummy hash is a real hash no password matches", async () => {
    const dummy = await dummyHash();
    assert.equal(needsRehash(dummy), false);
    assert.equal(await verifyPassword("", dummy), false);
    assert.equal(await dummyHash(), dummy);
  });

  await t.step("constantTimeEqual", () => {
    assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])), true);
    assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3])), false);
    assert.equal(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0])), false);
    assert.equal(constantTimeEqual(new Uint8Array([]), new Uint8Array([])), true);
  });
});

Deno.test("hashes made by another argon2id implementation verify", async () => {
  // Made with hash-wasm, the library used before, from a fixed salt ("polystore-salt16").
  const oursBefore =
    "$argon2id$v=19$m=19456,t=2,p=1$cG9seXN0b3JlLXNhbHQxNg$nTpqA16bM1uVPb0pvwHy1AFBnyoAyz96u6bHuPU9Bf4";
  assert.equal(await verifyPassword("correct horse battery staple", oursBefore), true);
  assert.equal(await verifyPassword("correct horse battery stapler", oursBefore), false);
  const twoLanes =
    "$argon2id$v=19$m=1024,t=1,p=2$cG9seXN0b3JlLXNhbHQxNg$SFMK5pgZVEhF+nZ7pgPL/7eLV4zguRtPT8PMtUbYNEk";
  assert.equal(await verifyPassword("short pw", twoLanes), true);
  // Under 8 bytes the WASM build cannot derive: refused after the same work, never thrown.
  const tiny =
    "$argon2id$v=19$m=1024,t=1,p=1$cG9seXN0b3JlLXNhbHQxNg$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
  for (const pw of ["", "\u0001", "1234567"]) assert.equal(await verifyPassword(pw, tiny), false);
});

Deno.test("concurrent hashing reuses one instance's memory and every hash verifies", async () => {
  await hashPassword("warm the shared instance up");
  const before = argon2MemoryBytes();
  assert.ok(before >= PASSWORD_PARAMS.memoryKiB * 1024, `${before} bytes`);
  const passwords = Array.from({ length: 6 }, (_, i) => `correct horse ${i} battery`);
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
  for (const [i, h] of hashes.entries()) assert.equal(await verifyPassword(passwords[i], h), true);
  assert.equal(argon2MemoryBytes(), before, "no memory beyond the first hash's");
});
