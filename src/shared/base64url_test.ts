import assert from "node:assert/strict";
import {
  decodeBase64url,
  decodeBase64urlText,
  encodeBase64url,
  encodeBase64urlText,
} from "./base64url.ts";

Deno.test("base64url", async (t) => {
  await t.step("round-trips every length without padding", () => {
    for (let n = 0; n < 40; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const text = encodeBase64url(bytes);
      assert.match(text, /^[A-Za-z0-9_-]*$/);
      assert.deepEqual(decodeBase64url(text), bytes);
    }
  });
  await t.step("uses - and _ where base64 has + and /", () => {
    assert.equal(encodeBase64url(new Uint8Array([251, 255, 191])), "-_-_");
  });
  await t.step("refuses padding, the standard alphabet, spaces and a dangling character", () => {
    for (const bad of ["aGk=", "a+b/", "aG k", "aGkaa", "%%", "aGk\n"]) {
      assert.equal(decodeBase64url(bad), null, bad);
    }
  });
  await t.step("refuses non-zero trailing bits, so one value has one spelling", () => {
    assert.deepEqual(decodeBase64url("aGk"), new Uint8Array([104, 105]));
    assert.equal(decodeBase64url("aGl"), null);
  });
  await t.step("text helpers refuse invalid UTF-8", () => {
    assert.equal(decodeBase64urlText(encodeBase64urlText("ação")), "ação");
    assert.equal(decodeBase64urlText(encodeBase64url(new Uint8Array([0xff, 0xfe]))), null);
  });
});
