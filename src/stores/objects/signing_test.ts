// Unit tests for signed-URL grants: what the signature covers, and each refusal.
import assert from "node:assert/strict";
import { canonicalGrant, GrantSigner, type SignedGrant } from "./signing.ts";

const signer = new GrantSigner("0123456789abcdef-secret");
const grant: SignedGrant = {
  method: "PUT",
  bucket: "temp",
  key: "a/ç.txt",
  expires: 2_000_000_000,
  contentType: "text/csv",
  maxSize: 1024,
};
const req = (
  params: URLSearchParams,
  over: Partial<{ method: string; bucket: string; key: string }> = {},
) => ({
  method: over.method ?? "PUT",
  bucket: over.bucket ?? "temp",
  key: over.key ?? "a/ç.txt",
  params,
});

Deno.test("a signed grant verifies and comes back whole", async () => {
  const params = await signer.sign(grant);
  assert.match(params.get("sig")!, /^[0-9a-f]{64}$/);
  assert.deepEqual(await signer.verify(req(params), 1_000_000_000), { ok: true, grant });
});

Deno.test("every signed field is covered by the signature", async () => {
  const params = await signer.sign(grant);
  const changed: [string, URLSearchParams, Partial<{ bucket: string; key: string }>][] = [];
  for (const [name, value] of [["ct", "text/html"], ["max", "99999"], ["expires", "2000000001"]]) {
    const p = new URLSearchParams(params);
    p.set(name, value);
    changed.push([name, p, {}]);
  }
  const noCt = new URLSearchParams(params);
  noCt.delete("ct");
  changed.push(["ct removed", noCt, {}]);
  changed.push(["key", params, { key: "a/other.txt" }]);
  changed.push(["bucket", params, { bucket: "exports" }]);
  for (const [what, p, over] of changed) {
    assert.deepEqual(
      await signer.verify(req(p, over), 0),
      { ok: false, reason: "bad_signature" },
      what,
    );
  }
  const asGet = new URLSearchParams(params);
  asGet.set("method", "GET");
  assert.deepEqual(await signer.verify(req(asGet, { method: "GET" }), 0), {
    ok: false,
    reason: "bad_signature",
  });
});

Deno.test("refusals: missing, malformed, other method, expired, other secret", async () => {
  const params = await signer.sign(grant);
  assert.deepEqual(await signer.verify(req(new URLSearchParams()), 0), {
    ok: false,
    reason: "missing_signature",
  });
  const short = new URLSearchParams(params);
  short.set("sig", "abc");
  assert.equal((await signer.verify(req(short), 0)).ok, false);
  assert.deepEqual(await signer.verify(req(params, { method: "GET" }), 0), {
    ok: false,
    reason: "wrong_method",
  });
  assert.deepEqual(await signer.verify(req(params), grant.expires + 0.5), {
    ok: false,
    reason: "expired",
  });
  assert.equal((await signer.verify(req(params), grant.expires)).ok, true);
  const other = new GrantSigner("another-secret-of-16+");
  assert.deepEqual(await other.verify(req(params), 0), { ok: false, reason: "bad_signature" });
});

Deno.test("a GET grant also allows HEAD", async () => {
  const params = await signer.sign({ method: "GET", bucket: "b-1", key: "k", expires: 10 });
  const r = await signer.verify({ method: "HEAD", bucket: "b-1", key: "k", params }, 5);
  assert.equal(r.ok, true);
});

Deno.test("the canonical string separates fields unambiguously", () => {
  assert.notEqual(
    canonicalGrant({ method: "GET", bucket: "abc", key: "d", expires: 1 }),
    canonicalGrant({ method: "GET", bucket: "ab", key: "cd", expires: 1 }),
  );
  assert.throws(() => new GrantSigner("short"));
});
