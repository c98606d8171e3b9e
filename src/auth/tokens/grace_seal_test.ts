/**
 * The grace seal opens only for the refresh token it was made for, and only unaltered.
 *
 * @module
 */
import assert from "node:assert/strict";
import { decodeBase64url, encodeBase64url } from "../../shared/base64url.ts";
import { open, seal } from "./grace_seal.ts";

Deno.test("grace seal: only the token it was sealed for opens it", async (t) => {
  const token = "A".repeat(43);
  const pair = JSON.stringify({ access_token: "a.b.c", refresh_token: "r" });
  const sealed = await seal(token, pair);

  await t.step("the stored text holds nothing of the pair", () => {
    assert.equal(sealed.includes("a.b.c"), false);
    assert.equal(new TextDecoder().decode(decodeBase64url(sealed)!).includes("a.b.c"), false);
  });
  await t.step("the same token opens it", async () => {
    assert.equal(await open(token, sealed), pair);
  });
  await t.step("another token, an altered byte or garbage open nothing", async () => {
    assert.equal(await open("B".repeat(43), sealed), null);
    const bytes = decodeBase64url(sealed)!;
    bytes[bytes.length - 1] ^= 1;
    assert.equal(await open(token, encodeBase64url(bytes)), null);
    assert.equal(await open(token, encodeBase64url(bytes.slice(0, 11))), null);
    assert.equal(await open(token, "not base64!"), null);
  });
  await t.step("each seal uses a fresh IV", async () => {
    assert.notEqual(await seal(token, pair), sealed);
  });
});
