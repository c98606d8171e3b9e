import assert from "node:assert/strict";
import {
  constantTimeEqual,
  derivationStats,
  dummyHash,
  hashPassword,
  needsRehash,
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
    const huge = stored.replace("m=19456", "m=99999999");
    assert.equal(await verifyPassword("correct horse battery staple", huge), false);
  });

  await t.step("needsRehash flags weaker parameters only", async () => {
    assert.equal(needsRehash(stored), false);
    const weak = await hashPassword("pw", { memoryKiB: 1024, iterations: 1, parallelism: 1 });
    assert.equal(needsRehash(weak), true);
    assert.equal(await verifyPassword("pw", weak), true, "old hashes still verify");
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

Deno.test("concurrent hashing is bounded and every hash still verifies", async () => {
  derivationStats(true);
  const passwords = Array.from({ length: 5 }, (_, i) => `correct horse ${i} battery`);
  const hashes = await Promise.all(passwords.map((p) => hashPassword(p)));
  const { running, peak } = derivationStats();
  assert.equal(peak, 2, "two at once, never more");
  assert.equal(running, 0);
  for (const [i, h] of hashes.entries()) assert.equal(await verifyPassword(passwords[i], h), true);
});
