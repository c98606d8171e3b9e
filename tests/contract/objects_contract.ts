// The objects contract: every adapter of the objects port must pass this suite. It works in its
// own buckets (t-<random>), so runs can share one server, and removes them at the end.
import assert from "node:assert/strict";
import { isStoreError } from "../../src/stores/errors.ts";
import type { ObjectStore } from "../../src/stores/objects/port.ts";

/** One adapter under test and the few things the suite cannot do through the port. */
export interface ObjectsHarness {
  store: ObjectStore;
  /** Requests a signed URL the way a client would reach it (a server, or the API's sub-app). */
  fetchSigned(url: string, init?: RequestInit): Promise<Response>;
  /** Whether an anonymous client may read `key` in `bucket`. */
  anonymousCanRead(bucket: string, key: string): Promise<boolean>;
  /** Removes a bucket and everything in it (the port has no bucket removal). */
  dropBucket(bucket: string): Promise<void>;
}

const text = new TextEncoder();

/** Runs the suite against the harness made by `open`; the store is closed at the end. */
export async function objectsContract(
  t: Deno.TestContext,
  open: () => Promise<ObjectsHarness>,
): Promise<void> {
  const h = await open();
  const { store } = h;
  const id = crypto.randomUUID().replaceAll("-", "").slice(0, 12);
  const bucket = `t-${id}`;
  const publicBucket = `t-${id}-pub`;
  try {
    await t.step("ensureBucket is idempotent and lists the bucket", async () => {
      await store.ensureBucket(bucket);
      await store.ensureBucket(bucket);
      await store.ensureBucket(publicBucket, { publicRead: true });
      const names = await store.listBuckets();
      assert.ok(names.includes(bucket) && names.includes(publicBucket), names.join(","));
    });

    await t.step("bad bucket names are refused", async () => {
      for (const name of ["ab", "Upper", "under_score", "-lead", "trail-", "a".repeat(64)]) {
        await assert.rejects(store.ensureBucket(name), (e) => isStoreError(e, "invalid"), name);
      }
    });

    await t.step("put and get a string", async () => {
      const info = await store.put(bucket, "s/hello.txt", "olá mundo", {
        contentType: "text/plain; charset=utf-8",
      });
      assert.equal(info.bucket, bucket);
      assert.equal(info.key, "s/hello.txt");
      assert.equal(info.size, text.encode("olá mundo").length);
      assert.match(info.etag, /^[0-9a-f]{32}$/);
      const got = await store.get(bucket, "s/hello.txt");
      assert.equal(new TextDecoder().decode(await readAll(got.body)), "olá mundo");
      assert.equal(got.info.etag, info.etag);
      assert.equal(got.info.size, info.size);
      assert.equal(got.info.content_type, "text/plain; charset=utf-8");
    });

    await t.step("put and get bytes, etag follows content", async () => {
      const bytes = new Uint8Array([0, 1, 2, 255, 254, 10, 13, 0]);
      const a = await store.put(bucket, "s/bytes.bin", bytes);
      const got = await store.get(bucket, "s/bytes.bin");
      assert.deepEqual(await readAll(got.body), bytes);
      assert.equal(got.info.content_type, "application/octet-stream");
      const b = await store.put(bucket, "s/bytes.bin", new Uint8Array([9]));
      assert.notEqual(a.etag, b.etag);
      assert.equal((await store.stat(bucket, "s/bytes.bin"))?.size, 1);
    });

    await t.step("put a 1.5 MB stream and get the same bytes back", async () => {
      const big = randomBytes(1_500_000 + 17);
      const info = await store.put(bucket, "s/big.bin", chunked(big, 64 * 1024), {
        size: big.length,
      });
      assert.equal(info.size, big.length);
      const got = await store.get(bucket, "s/big.bin");
      const back = await readAll(got.body);
      assert.equal(back.length, big.length);
      assert.ok(equalBytes(back, big), "bytes differ");
      assert.equal((await store.stat(bucket, "s/big.bin"))?.etag, info.etag);
    });

    await t.step("put a stream of unknown size", async () => {
      const small = randomBytes(70_001);
      await store.put(bucket, "s/unsized.bin", chunked(small, 10_000));
      const got = await store.get(bucket, "s/unsized.bin");
      assert.ok(equalBytes(await readAll(got.body), small));
      assert.equal(got.info.size, small.length);
    });

    await t.step("put an empty object", async () => {
      const info = await store.put(bucket, "s/empty", "");
      assert.equal(info.size, 0);
      const got = await store.get(bucket, "s/empty");
      assert.equal((await readAll(got.body)).length, 0);
    });

    await t.step("unicode keys round trip and list", async () => {
      const key = "2026/11/relatório/çã ü.txt";
      await store.put(bucket, key, "conteúdo 🎉", { contentType: "text/plain" });
      const got = await store.get(bucket, key);
      assert.equal(new TextDecoder().decode(await readAll(got.body)), "conteúdo 🎉");
      assert.equal(got.info.key, key);
      const listed = await store.list(bucket, "2026/11/rel");
      assert.deepEqual(listed.map((o) => o.key), [key]);
    });

    await t.step("content type and metadata round trip through stat, get and list", async () => {
      const key = "m/report.pdf";
      const put = await store.put(bucket, key, "%PDF-1.7", {
        contentType: "application/pdf",
        metadata: { "Entity-Type": "contract", entity_id: "42", note: "ok, fine" },
      });
      const want = { "entity-type": "contract", entity_id: "42", note: "ok, fine" };
      assert.deepEqual(put.metadata, want);
      const st = await store.stat(bucket, key);
      assert.ok(st);
      assert.equal(st.content_type, "application/pdf");
      assert.deepEqual(st.metadata, want);
      assert.equal(st.size, 8);
      assert.ok(st.last_modified instanceof Date);
      assert.ok(Math.abs(st.last_modified.getTime() - Date.now()) < 60_000);
      const got = await store.get(bucket, key);
      await got.body.cancel();
      assert.equal(got.info.content_type, "application/pdf");
      assert.deepEqual(got.info.metadata, want);
      const [listed] = await store.list(bucket, "m/");
      assert.equal(listed.content_type, "application/pdf");
      assert.deepEqual(listed.metadata, want);
      assert.equal(listed.etag, st.etag);
    });

    await t.step("bad metadata and content types are refused", async () => {
      const bad: Parameters<ObjectStore["put"]>[3][] = [
        { metadata: { "x-amz-meta-a": "1" } },
        { metadata: { "content-type": "text/plain" } },
        { metadata: { "bad name": "1" } },
        { metadata: { ok: "não" } },
        { contentType: "text/plain\r\nX-Evil: 1" },
        { contentType: "nonsense" },
      ];
      for (const opts of bad) {
        await assert.rejects(
          store.put(bucket, "m/bad", "x", opts),
          (e) => isStoreError(e, "invalid"),
          JSON.stringify(opts),
        );
      }
      assert.equal(await store.stat(bucket, "m/bad"), null);
    });

    await t.step("missing objects: stat null, get not_found, remove false", async () => {
      assert.equal(await store.stat(bucket, "nope/never.txt"), null);
      await assert.rejects(
        store.get(bucket, "nope/never.txt"),
        (e) => isStoreError(e, "not_found"),
      );
      assert.equal(await store.remove(bucket, "nope/never.txt"), false);
      // "s" is only a folder of other keys, never an object itself.
      assert.equal(await store.stat(bucket, "s"), null);
      await assert.rejects(store.get(bucket, "s"), (e) => isStoreError(e, "not_found"));
    });

    await t.step("remove deletes once", async () => {
      await store.put(bucket, "r/gone.txt", "bye");
      assert.equal(await store.remove(bucket, "r/gone.txt"), true);
      assert.equal(await store.stat(bucket, "r/gone.txt"), null);
      assert.equal(await store.remove(bucket, "r/gone.txt"), false);
      assert.deepEqual(await store.list(bucket, "r/"), []);
    });

    await t.step("a missing bucket is not_found for get and list", async () => {
      const none = `t-${id}-none`;
      await assert.rejects(store.get(none, "a"), (e) => isStoreError(e, "not_found"));
      await assert.rejects(store.list(none), (e) => isStoreError(e, "not_found"));
      await assert.rejects(store.put(none, "a", "x"), (e) => isStoreError(e, "not_found"));
      assert.equal(await store.stat(none, "a"), null);
    });

    await t.step("list by prefix in key order with limit and startAfter", async () => {
      const keys = ["l/b", "l/a", "l/c/d", "l/c-e", "l/c/a/z", "lx", "l/é", "l/𝄞", "l/\uffee"];
      for (const k of keys) await store.put(bucket, k, k);
      // Key order is UTF-8 byte order: "-" < "/", and U+FFEE < U+1D11E.
      const want = ["l/a", "l/b", "l/c-e", "l/c/a/z", "l/c/d", "l/é", "l/\uffee", "l/𝄞"];
      assert.deepEqual((await store.list(bucket, "l/")).map((o) => o.key), want);
      assert.deepEqual((await store.list(bucket, "l/", { limit: 2 })).map((o) => o.key), [
        "l/a",
        "l/b",
      ]);
      assert.deepEqual(
        (await store.list(bucket, "l/", { startAfter: "l/b", limit: 3 })).map((o) => o.key),
        ["l/c-e", "l/c/a/z", "l/c/d"],
      );
      assert.deepEqual(
        (await store.list(bucket, "l/", { startAfter: "l/c/d" })).map((o) => o.key),
        ["l/é", "l/\uffee", "l/𝄞"],
      );
      assert.deepEqual((await store.list(bucket, "l/c")).map((o) => o.key), [
        "l/c-e",
        "l/c/a/z",
        "l/c/d",
      ]);
      assert.deepEqual(await store.list(bucket, "l/zzz"), []);
      assert.deepEqual(await store.list(bucket, "nothing/here/"), []);
      const all = (await store.list(bucket)).map((o) => o.key);
      assert.ok(all.includes("lx") && all.includes("s/hello.txt"));
      assert.deepEqual(all, [...all].sort(byCodePoint));
      const sizes = await store.list(bucket, "l/a");
      assert.equal(sizes[0].size, 3);
      await assert.rejects(
        store.list(bucket, "l/", { limit: 0 }),
        (e) => isStoreError(e, "invalid"),
      );
    });

    await t.step("invalid keys are refused by every operation", async () => {
      const bad = [
        "../x",
        "/abs",
        "a//b",
        "a\\b",
        "a/../b",
        "./a",
        "a/",
        "",
        "a\u0000b",
        "tab\tkey",
        "x".repeat(1025),
      ];
      for (const key of bad) {
        const label = JSON.stringify(key);
        const invalid = (e: unknown) => isStoreError(e, "invalid");
        await assert.rejects(store.put(bucket, key, "x"), invalid, label);
        await assert.rejects(store.get(bucket, key), invalid, label);
        await assert.rejects(store.stat(bucket, key), invalid, label);
        await assert.rejects(store.remove(bucket, key), invalid, label);
        await assert.rejects(store.signedGetUrl(bucket, key, 60), invalid, label);
        await assert.rejects(store.signedPutUrl(bucket, key, 60), invalid, label);
      }
      await assert.rejects(store.list(bucket, "../"), (e) => isStoreError(e, "invalid"));
      await assert.rejects(store.list(bucket, "/x"), (e) => isStoreError(e, "invalid"));
    });

    await t.step("a signed GET URL serves the object", async () => {
      const key = "sig/read me ç.txt";
      await store.put(bucket, key, "signed body", { contentType: "text/plain" });
      const url = await store.signedGetUrl(bucket, key, 60);
      const res = await h.fetchSigned(url);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), "signed body");
      assert.equal(res.headers.get("content-type"), "text/plain");
      assert.equal(res.headers.get("content-length"), "11");
      assert.match(res.headers.get("etag") ?? "", /^"[0-9a-f]{32}"$/);
    });

    await t.step("a signed GET URL for a missing object answers 404", async () => {
      const res = await h.fetchSigned(await store.signedGetUrl(bucket, "sig/absent", 60));
      await res.body?.cancel();
      assert.equal(res.status, 404);
    });

    await t.step("a signed PUT URL stores the upload", async () => {
      const key = "sig/upload.csv";
      const url = await store.signedPutUrl(bucket, key, 60, {
        contentType: "text/csv",
        maxSize: 1024,
      });
      const res = await h.fetchSigned(url, {
        method: "PUT",
        body: "a,b\n1,2\n",
        headers: { "Content-Type": "text/csv" },
      });
      await res.body?.cancel();
      assert.equal(res.status, 200);
      const got = await store.get(bucket, key);
      assert.equal(new TextDecoder().decode(await readAll(got.body)), "a,b\n1,2\n");
      assert.equal(got.info.content_type, "text/csv");
      assert.match(res.headers.get("etag") ?? "", new RegExp(`^"${got.info.etag}"$`));
    });

    await t.step("tampered signed URLs are refused", async () => {
      await store.put(bucket, "sig/other.txt", "not yours");
      const url = new URL(await store.signedGetUrl(bucket, "sig/read me ç.txt", 60));
      const sigParam = [...url.searchParams.keys()].find((k) =>
        /^(sig|x-amz-signature)$/i.test(k)
      )!;
      const sig = url.searchParams.get(sigParam)!;
      const flipped = new URL(url);
      flipped.searchParams.set(sigParam, (sig[0] === "a" ? "b" : "a") + sig.slice(1));
      const otherKey = new URL(url);
      otherKey.pathname = url.pathname.replace(/read%20me%20%C3%A7\.txt$/, "other.txt");
      assert.notEqual(otherKey.pathname, url.pathname);
      const bare = new URL(url);
      bare.search = "";
      for (const bad of [flipped, otherKey, bare]) {
        const res = await h.fetchSigned(bad.toString());
        await res.body?.cancel();
        assert.equal(res.status, 403, bad.toString());
      }
      // Only the signature dropped: S3 calls the query malformed (400), the folder adapter 403.
      const unsigned = new URL(url);
      unsigned.searchParams.delete(sigParam);
      const res = await h.fetchSigned(unsigned.toString());
      await res.body?.cancel();
      assert.ok(res.status === 400 || res.status === 403, `status ${res.status}`);
      // A GET URL does not allow a PUT.
      const put = await h.fetchSigned(url.toString(), { method: "PUT", body: "overwrite" });
      await put.body?.cancel();
      assert.equal(put.status, 403);
      const kept = await store.get(bucket, "sig/read me ç.txt");
      assert.equal(new TextDecoder().decode(await readAll(kept.body)), "signed body");
    });

    await t.step("expired signed URLs are refused", async () => {
      const getUrl = await store.signedGetUrl(bucket, "sig/read me ç.txt", 1);
      const putUrl = await store.signedPutUrl(bucket, "sig/late.txt", 1);
      await new Promise((r) => setTimeout(r, 2200));
      const g = await h.fetchSigned(getUrl);
      await g.body?.cancel();
      assert.equal(g.status, 403);
      const p = await h.fetchSigned(putUrl, { method: "PUT", body: "late" });
      await p.body?.cancel();
      assert.equal(p.status, 403);
      assert.equal(await store.stat(bucket, "sig/late.txt"), null);
    });

    await t.step("signed URL expiry must be 1 s to 7 days", async () => {
      for (const s of [0, -1, 1.5, 7 * 24 * 3600 + 1]) {
        await assert.rejects(store.signedGetUrl(bucket, "a", s), (e) => isStoreError(e, "invalid"));
      }
    });

    await t.step("lifecycle rules round trip", async () => {
      assert.deepEqual(await store.getLifecycle(bucket), []);
      await store.setLifecycle(bucket, [
        { prefix: "temp/", expireDays: 1 },
        { prefix: "exports/", expireDays: 30 },
      ]);
      assert.deepEqual(await store.getLifecycle(bucket), [
        { prefix: "exports/", expireDays: 30 },
        { prefix: "temp/", expireDays: 1 },
      ]);
      await store.setLifecycle(bucket, [{ prefix: "", expireDays: 90 }]);
      assert.deepEqual(await store.getLifecycle(bucket), [{ prefix: "", expireDays: 90 }]);
      await store.setLifecycle(bucket, []);
      assert.deepEqual(await store.getLifecycle(bucket), []);
      for (const rule of [{ prefix: "x/", expireDays: 0 }, { prefix: "../", expireDays: 1 }]) {
        await assert.rejects(store.setLifecycle(bucket, [rule]), (e) => isStoreError(e, "invalid"));
      }
    });

    await t.step("public-read buckets are readable anonymously, others are not", async () => {
      await store.put(publicBucket, "users/abc/avatar.webp", "img");
      await store.put(bucket, "private/avatar.webp", "img");
      assert.equal(await h.anonymousCanRead(publicBucket, "users/abc/avatar.webp"), true);
      assert.equal(await h.anonymousCanRead(bucket, "private/avatar.webp"), false);
      await store.ensureBucket(publicBucket, { publicRead: false });
      assert.equal(await h.anonymousCanRead(publicBucket, "users/abc/avatar.webp"), false);
    });

    await t.step("health reports ok with a latency", async () => {
      const hl = await store.health();
      assert.equal(hl.status, "ok", hl.detail ?? "");
      assert.equal(hl.adapter, store.adapter);
      assert.ok(hl.latency_ms >= 0);
    });
  } finally {
    await h.dropBucket(bucket).catch(() => {});
    await h.dropBucket(publicBucket).catch(() => {});
    await store.close();
  }
}

/** Reads a whole stream into one array. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const part of stream) {
    parts.push(part);
    n += part.length;
  }
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A stream that yields `bytes` in chunks of `size`. */
export function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let off = 0;
  return new ReadableStream({
    pull(ctl) {
      if (off >= bytes.length) return ctl.close();
      ctl.enqueue(bytes.slice(off, off + size));
      off += size;
    },
  });
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let off = 0; off < n; off += 65536) crypto.getRandomValues(out.subarray(off, off + 65536));
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
