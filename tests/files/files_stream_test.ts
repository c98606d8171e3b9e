// Streams end to end: a 200 MB file goes up (signed URL, or straight into MinIO as a client would),
// is completed (hashed by streaming) and comes back down, while the process's resident memory
// grows by far less than the file: nothing along the way holds it whole.
import assert from "node:assert/strict";
import { createSHA256 } from "hash-wasm";
import { ensureStandardBuckets } from "../../src/stores/objects/buckets.ts";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { heldMemory } from "../support/held_memory.ts";

const MB = 1024 * 1024;
const SIZE = 200 * MB;
/**
 * Allowed growth of resident memory over the whole round trip: well under the file's size, with
 * room for the S3 driver's part buffer (8 MB, plus its hashing copies) and the heap's own slack.
 */
const MAX_GROWTH = 64 * MB;

/** SIZE bytes in 1 MB chunks, hashed as they are made. */
function source(hash: { update(b: Uint8Array): unknown }): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctl) {
      if (i * MB >= SIZE) return ctl.close();
      const chunk = new Uint8Array(MB).fill(i++ % 251);
      hash.update(chunk);
      ctl.enqueue(chunk);
    },
  }, { highWaterMark: 0 });
}

async function toSigned(api: TestApi, url: string, init: RequestInit): Promise<Response> {
  const base = api.app.deps.config.publicUrl;
  if (url.startsWith(base)) return await api.app.request(url.slice(base.length), init);
  return await fetch(url, init);
}

apiTest("files: a large upload and download stream without holding the file", async (_t, api) => {
  await ensureStandardBuckets(api.stores.objects);
  const co = await api.stores.relational.query<{ id: string }>(
    "insert into companies (name) values ($1) returning id",
    [`Streams ${crypto.randomUUID()}`],
  );
  const r = await api.stores.relational.query<{ id: string }>(
    "insert into projects (name, company_id) values ('Streams', $1) returning id",
    [co.rows[0].id],
  );
  const projectId = r.rows[0].id;
  const director = await createUser(api, { roles: ["diretor"] });

  let peak = 0;
  // Sampled as held memory: freed chunks waiting for the collector, or pages glibc keeps for
  // reuse, are not the file being held (without the trim the growth drifted 40-130 MB run to run).
  const sample = () => {
    peak = Math.max(peak, heldMemory());
  };
  const timer = setInterval(sample, 200);
  let key: string | undefined;
  let fileId: string | undefined;
  try {
    const res = await api.request("POST", "/api/v1/files/uploads", {
      token: director.token,
      body: {
        bucket: "content",
        entity_type: "project",
        entity_id: projectId,
        filename: "final_cut.mp4",
        content_type: "video/mp4",
        size: SIZE,
      },
    });
    assert.equal(res.status, 201, await res.clone().text());
    const ticket = await json<{ id: string; url: string; key: string }>(res);
    key = ticket.key;
    const hash = await createSHA256();
    hash.init();
    const baseline = heldMemory();
    peak = baseline;
    if (api.profile === "embedded") {
      const put = await toSigned(api, ticket.url, {
        method: "PUT",
        headers: { "Content-Type": "video/mp4" },
        body: source(hash),
        duplex: "half",
      } as RequestInit);
      assert.equal(put.status, 200, await put.text());
    } else {
      // The client uploads straight to MinIO; here the adapter streams it as a client would.
      await api.stores.objects.put("content", ticket.key, source(hash), {
        contentType: "video/mp4",
        size: SIZE,
      });
    }
    const done = await api.request("POST", `/api/v1/files/uploads/${ticket.id}/complete`, {
      token: director.token,
    });
    assert.equal(done.status, 201, await done.clone().text());
    const file = await json<{ id: string; sha256: string; size: number }>(done);
    fileId = file.id;
    assert.equal(file.size, SIZE);
    assert.equal(file.sha256, hash.digest("hex"));

    const dl = await api.request("GET", `/api/v1/files/${file.id}/download`, {
      token: director.token,
    });
    assert.equal(dl.status, 302);
    const got = await toSigned(api, dl.headers.get("Location")!, { method: "GET" });
    assert.equal(got.status, 200);
    let received = 0;
    for await (const chunk of got.body!) received += chunk.length;
    assert.equal(received, SIZE);
    sample();
    const growth = peak - baseline;
    assert.ok(
      growth < MAX_GROWTH,
      `resident memory grew by ${Math.round(growth / MB)} MB for a ${SIZE / MB} MB file`,
    );
  } finally {
    clearInterval(timer);
    // The server profile shares its database and MinIO's standard buckets across runs: 200 MB
    // left per run adds up, and every later backup copies it. Deleted first, so no live row is
    // left without its object (a backup's restore proof checks that).
    if (fileId) {
      const del = await api.request("DELETE", `/api/v1/files/${fileId}`, { token: director.token });
      assert.equal(del.status, 204, await del.text());
    }
    if (key) await api.stores.objects.remove("content", key);
  }
});
