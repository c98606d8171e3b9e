// The signed-URL sub-app over the folder adapter: what it serves, what it stores, and each
// refusal as problem+json with its status.
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { mountWithErrors } from "../support/error_app.ts";
import { SIGNED_URL_MOUNT, signedUrlRoutes } from "../../src/files/signed_url_routes.ts";
import { type FolderObjectStore, openFolderObjects } from "../../src/stores/objects/folder.ts";

async function setup(
  fn: (ctx: { store: FolderObjectStore; app: Hono; clock: { ms: number } }) => Promise<void>,
) {
  const root = await Deno.makeTempDir({ prefix: "signed_routes_" });
  const clock = { ms: Date.now() };
  const store = await openFolderObjects({
    root,
    signingKey: "route-test-signing-key-42",
    publicUrl: "https://api.example.test",
    now: () => clock.ms,
  });
  await store.ensureBucket("temp");
  const app = mountWithErrors(SIGNED_URL_MOUNT, signedUrlRoutes(store));
  try {
    await fn({ store, app, clock });
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
}

async function expectProblem(res: Response, status: number, code: string) {
  assert.equal(res.status, status);
  assert.equal(res.headers.get("content-type"), "application/problem+json");
  const body = await res.json();
  assert.equal(body.status, status);
  assert.equal(body.type, `https://polystore.dev/problems/${code}`);
  assert.equal(typeof body.detail, "string");
}

Deno.test("signed GET streams the object with its headers", async () => {
  await setup(async ({ store, app }) => {
    const put = await store.put("temp", "2026/11/export/7/relatório final.csv", "a;b\n1;2\n", {
      contentType: "text/csv",
    });
    const url = await store.signedGetUrl("temp", "2026/11/export/7/relatório final.csv", 300);
    assert.ok(url.startsWith(`https://api.example.test${SIGNED_URL_MOUNT}/temp/2026/11/`));
    const res = await app.request(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "text/csv");
    assert.equal(res.headers.get("content-length"), "8");
    assert.equal(res.headers.get("etag"), `"${put.etag}"`);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(await res.text(), "a;b\n1;2\n");

    const head = await app.request(url, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), "8");
    assert.equal(await head.text(), "");
  });
});

Deno.test("signed GET refusals", async (t) => {
  await setup(async ({ store, app, clock }) => {
    await store.put("temp", "doc.txt", "secret");
    const url = new URL(await store.signedGetUrl("temp", "doc.txt", 60));

    await t.step("missing signature is 403", async () => {
      const bare = new URL(url);
      bare.search = "";
      await expectProblem(await app.request(bare.toString()), 403, "signature_missing");
    });
    await t.step("bad signature is 403", async () => {
      const bad = new URL(url);
      bad.searchParams.set("sig", "0".repeat(64));
      await expectProblem(await app.request(bad.toString()), 403, "signature_invalid");
    });
    await t.step("a longer expiry than signed is 403", async () => {
      const longer = new URL(url);
      longer.searchParams.set("expires", String(Number(url.searchParams.get("expires")) + 3600));
      await expectProblem(await app.request(longer.toString()), 403, "signature_invalid");
    });
    await t.step("another object under the same signature is 403", async () => {
      await store.put("temp", "other.txt", "other");
      const other = new URL(url);
      other.pathname = other.pathname.replace("doc.txt", "other.txt");
      await expectProblem(await app.request(other.toString()), 403, "signature_invalid");
    });
    await t.step("a GET URL used to PUT is 403 and changes nothing", async () => {
      const res = await app.request(url.toString(), { method: "PUT", body: "overwritten" });
      await expectProblem(res, 403, "method_not_signed");
      const got = await store.get("temp", "doc.txt");
      assert.equal(await new Response(got.body).text(), "secret");
    });
    await t.step("a missing object is 404", async () => {
      const gone = await store.signedGetUrl("temp", "never/there.txt", 60);
      await expectProblem(await app.request(gone), 404, "not_found");
    });
    await t.step("an expired URL is 403", async () => {
      clock.ms += 61_000;
      await expectProblem(await app.request(url.toString()), 403, "signed_url_expired");
    });
  });
});

Deno.test("signed PUT stores the upload and answers its etag", async () => {
  await setup(async ({ store, app }) => {
    const url = await store.signedPutUrl("temp", "up/ç.json", 60, {
      contentType: "application/json",
      maxSize: 100,
    });
    const res = await app.request(url, {
      method: "PUT",
      body: '{"ok":true}',
      headers: { "Content-Type": "application/json; charset=utf-8" },
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    const st = await store.stat("temp", "up/ç.json");
    assert.ok(st);
    assert.deepEqual(body, { bucket: "temp", key: "up/ç.json", size: 11, etag: st.etag });
    assert.equal(res.headers.get("etag"), `"${st.etag}"`);
    assert.equal(st.content_type, "application/json; charset=utf-8");
    // Without a signed type the sent one is stored, else the default.
    const free = await store.signedPutUrl("temp", "up/free.bin", 60);
    assert.equal(
      (await app.request(free, { method: "PUT", body: new Uint8Array([1, 2]) })).status,
      200,
    );
    assert.equal(
      (await store.stat("temp", "up/free.bin"))?.content_type,
      "application/octet-stream",
    );
  });
});

Deno.test("signed PUT refusals", async (t) => {
  await setup(async ({ store, app, clock }) => {
    const url = await store.signedPutUrl("temp", "up/small.txt", 60, {
      contentType: "text/plain",
      maxSize: 10,
    });

    await t.step("another content type is 415", async () => {
      const res = await app.request(url, {
        method: "PUT",
        body: "hello",
        headers: { "Content-Type": "text/html" },
      });
      await expectProblem(res, 415, "unsupported_media_type");
      const none = await app.request(url, { method: "PUT", body: new Uint8Array([1]) });
      await expectProblem(none, 415, "unsupported_media_type");
    });
    await t.step("a Content-Length over the limit is 413 before reading", async () => {
      let pulled = 0;
      const body = new ReadableStream<Uint8Array>({
        // One byte a pull: a limit kept only while streaming would pull 11 times.
        pull(ctl) {
          if (pulled++ < 11) ctl.enqueue(new Uint8Array(1));
          else ctl.close();
        },
      });
      const res = await app.request(
        new Request(url, {
          method: "PUT",
          body,
          headers: { "Content-Type": "text/plain", "Content-Length": "11" },
          // @ts-ignore: Deno's Request accepts duplex for stream bodies
          duplex: "half",
        }),
      );
      await expectProblem(res, 413, "payload_too_large");
      assert.ok(pulled <= 1);
    });
    await t.step("a chunked body that grows past the limit is 413 and not stored", async () => {
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(ctl) {
          if (sent++ < 5) ctl.enqueue(new TextEncoder().encode("abcd"));
          else ctl.close();
        },
      });
      const res = await app.request(
        new Request(url, {
          method: "PUT",
          body,
          headers: { "Content-Type": "text/plain" },
          // @ts-ignore: Deno's Request accepts duplex for stream bodies
          duplex: "half",
        }),
      );
      await expectProblem(res, 413, "payload_too_large");
      assert.equal(await store.stat("temp", "up/small.txt"), null);
    });
    await t.step("exactly the limit is accepted", async () => {
      const res = await app.request(url, {
        method: "PUT",
        body: "0123456789",
        headers: { "Content-Type": "text/plain" },
      });
      assert.equal(res.status, 200);
      assert.equal((await store.stat("temp", "up/small.txt"))?.size, 10);
    });
    await t.step("a PUT URL used to GET is 403", async () => {
      await expectProblem(await app.request(url), 403, "method_not_signed");
    });
    await t.step("a raised limit in the URL is 403", async () => {
      const raised = new URL(url);
      raised.searchParams.set("max", "1000000");
      const res = await app.request(raised.toString(), {
        method: "PUT",
        body: "x".repeat(50),
        headers: { "Content-Type": "text/plain" },
      });
      await expectProblem(res, 403, "signature_invalid");
    });
    await t.step("an expired PUT URL is 403 and stores nothing", async () => {
      const late = await store.signedPutUrl("temp", "up/late.txt", 5);
      clock.ms += 6_000;
      const res = await app.request(late, { method: "PUT", body: "late" });
      await expectProblem(res, 403, "signed_url_expired");
      assert.equal(await store.stat("temp", "up/late.txt"), null);
    });
    await t.step("a body shorter than its Content-Length is 422 and not stored", async () => {
      const open = await store.signedPutUrl("temp", "up/short.txt", 60);
      const body = new ReadableStream<Uint8Array>({
        start(ctl) {
          ctl.enqueue(new Uint8Array(3));
          ctl.close();
        },
      });
      const res = await app.request(
        new Request(open, {
          method: "PUT",
          body,
          headers: { "Content-Length": "5" },
          // @ts-ignore: Deno's Request accepts duplex for stream bodies
          duplex: "half",
        }),
      );
      await expectProblem(res, 422, "validation_failed");
      assert.equal(await store.stat("temp", "up/short.txt"), null);
    });
    await t.step("an upload into a missing bucket is 404", async () => {
      const nowhere = await store.signedPutUrl("no-such-bucket", "x.txt", 60);
      await expectProblem(
        await app.request(nowhere, { method: "PUT", body: "x" }),
        404,
        "not_found",
      );
    });
  });
});

Deno.test("the sub-app answers problem+json through the app error handler", async () => {
  await setup(async ({ store }) => {
    const outer = mountWithErrors(SIGNED_URL_MOUNT, signedUrlRoutes(store));
    const res = await outer.request(`${SIGNED_URL_MOUNT}/temp/x.txt`, {
      headers: { "X-Request-Id": "req-12345678" },
    });
    await expectProblem(res.clone(), 403, "signature_missing");
    assert.equal((await res.json()).request_id, "req-12345678");
  });
});
