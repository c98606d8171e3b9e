// Unit tests for key, bucket, metadata and content-type validation and for key ordering.
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { isStoreError } from "../errors.ts";
import {
  compareKeys,
  encodeKeyPath,
  validateBucket,
  validateContentType,
  validateExpiry,
  validateKey,
  validateMetadata,
  validatePrefix,
  validateRules,
} from "./keys.ts";

const invalid = (e: unknown) => isStoreError(e, "invalid");

Deno.test("validateKey accepts ordinary and unicode keys", () => {
  for (
    const key of [
      "a",
      "2026/03/video/a1b2c3d4/final_cut_v2.mp4",
      "2026/11/relatório/çã ü.txt",
      "v1..2.txt",
      "..hidden/x..",
      ".env",
      "a/.b",
      "emoji/🎉.png",
      "x".repeat(1024),
      "é".repeat(512), // 1024 bytes
    ]
  ) {
    assert.equal(validateKey(key), key);
  }
});

Deno.test("validateKey refuses traversal, absolute paths and odd characters", () => {
  for (
    const key of [
      "",
      "..",
      "../x",
      "a/../b",
      "a/..",
      ".",
      "./a",
      "a/./b",
      "/abs",
      "a//b",
      "a/",
      "a\\b",
      "..\\x",
      "a\u0000b",
      "a\nb",
      "a\u007fb",
      "a\u0085b",
      "x".repeat(1025),
      "é".repeat(513), // 1026 bytes
      "bad\ud800surrogate",
    ]
  ) {
    assert.throws(() => validateKey(key), invalid, JSON.stringify(key));
  }
  try {
    validateKey("../x");
  } catch (e) {
    assert.ok(isStoreError(e) && e.field === "key" && e.store === "objects");
  }
});

Deno.test("validatePrefix accepts starts of keys only", () => {
  for (const p of ["", "a", "a/", "2026/1", "a/.", "a/..", "temp/"]) {
    assert.equal(validatePrefix(p), p);
  }
  for (const p of ["/", "/a", "../", "a//", "a/../", "a\\", "a\u0001"]) {
    assert.throws(() => validatePrefix(p), invalid, JSON.stringify(p));
  }
});

Deno.test("validateBucket follows S3 names without dots", () => {
  for (const b of ["abc", "avatars", "t-123", "a".repeat(63), "0ab"]) {
    assert.equal(validateBucket(b), b);
  }
  for (const b of ["ab", "a".repeat(64), "Abc", "a_b", "a.b", "-ab", "ab-", "a b", ""]) {
    assert.throws(() => validateBucket(b), invalid, b);
  }
});

Deno.test("validateMetadata lowercases names and refuses header lookalikes", () => {
  assert.deepEqual(validateMetadata({ "Entity-Type": "x", id_1: "" }), {
    "entity-type": "x",
    id_1: "",
  });
  assert.deepEqual(validateMetadata(undefined), {});
  const bad: Record<string, string>[] = [
    { "content-type": "x" },
    { "X-Amz-Meta-a": "x" },
    { "a b": "x" },
    { "": "x" },
    { a: "não" },
    { a: "x\r\ny" },
    { A: "1", a: "2" },
    { a: "x".repeat(2048) },
  ];
  for (const md of bad) {
    assert.throws(() => validateMetadata(md), invalid, JSON.stringify(md));
  }
});

Deno.test("validateContentType defaults and refuses header injection", () => {
  assert.equal(validateContentType(undefined), "application/octet-stream");
  assert.equal(validateContentType(" text/csv "), "text/csv");
  assert.equal(validateContentType("text/plain; charset=utf-8"), "text/plain; charset=utf-8");
  for (const ct of ["", "text", "text/plain\r\nX: y", "ção/x", "a/b c"]) {
    assert.throws(() => validateContentType(ct), invalid, ct);
  }
});

Deno.test("validateExpiry and lifecycle rules", () => {
  assert.equal(validateExpiry(1), 1);
  assert.equal(validateExpiry(604800), 604800);
  for (const s of [0, 604801, 1.5, NaN]) assert.throws(() => validateExpiry(s), invalid);
  assert.deepEqual(validateRules([{ prefix: "", expireDays: 1 }]), [{ prefix: "", expireDays: 1 }]);
  assert.throws(() => validateRules([{ prefix: "a", expireDays: 0 }]), invalid);
  assert.throws(() => validateRules([{ prefix: "/a", expireDays: 1 }]), invalid);
});

Deno.test("compareKeys orders by code point, as S3 does by UTF-8 bytes", () => {
  const keys = ["b", "a/b", "a-c", "𝄞", "\uffee", "é", "a", ""];
  const sorted = [...keys].sort(compareKeys);
  assert.deepEqual(sorted, ["", "a", "a-c", "a/b", "b", "é", "\uffee", "𝄞"]);
  // The same order as comparing UTF-8 bytes.
  const enc = new TextEncoder();
  const byBytes = [...keys].sort((x, y) => Buffer.compare(enc.encode(x), enc.encode(y)));
  assert.deepEqual(sorted, byBytes);
  assert.equal(compareKeys("same", "same"), 0);
});

Deno.test("encodeKeyPath escapes segments and keeps slashes", () => {
  assert.equal(encodeKeyPath("2026/relatório/a b#?.txt"), "2026/relat%C3%B3rio/a%20b%23%3F.txt");
});
