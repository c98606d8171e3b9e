// Registers the objects contract for the folder adapter (always) and MinIO (S3_ENDPOINT), plus
// what only the folder adapter does: the lifecycle sweeper, path containment, atomic writes.
import assert from "node:assert/strict";
import { mountWithErrors } from "../support/error_app.ts";
import { SIGNED_URL_MOUNT, signedUrlRoutes } from "../../src/files/signed_url_routes.ts";
import { isStoreError } from "../../src/stores/errors.ts";
import { ensureStandardBuckets, STANDARD_BUCKETS } from "../../src/stores/objects/buckets.ts";
import { type FolderObjectStore, openFolderObjects } from "../../src/stores/objects/folder.ts";
import { encodeKeyPath } from "../../src/stores/objects/keys.ts";
import { openMinioObjects } from "../../src/stores/objects/minio.ts";
import { serverSetting, serverTest } from "../support/profile.ts";
import { chunked, objectsContract, readAll } from "./objects_contract.ts";

const DAY = 24 * 3600 * 1000;
const SIGNING_KEY = "test-signing-key-0123456789";

async function withFolder(
  fn: (store: FolderObjectStore, root: string, clock: { ms: number }) => Promise<void>,
): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "objects_" });
  const clock = { ms: Date.now() };
  const store = await openFolderObjects({
    root,
    signingKey: SIGNING_KEY,
    publicUrl: "http://polystore.test/",
    now: () => clock.ms,
  });
  try {
    await fn(store, root, clock);
  } finally {
    await store.close();
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("objects contract: folder", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "objects_" });
  try {
    await objectsContract(t, async () => {
      const store = await openFolderObjects({
        root,
        signingKey: SIGNING_KEY,
        publicUrl: "http://polystore.test",
      });
      const app = mountWithErrors(SIGNED_URL_MOUNT, signedUrlRoutes(store));
      return {
        store,
        fetchSigned: async (url, init) => await app.request(url, init),
        anonymousCanRead: (bucket) => store.isPublicRead(bucket),
        dropBucket: async (bucket) => {
          await store.removeBucket(bucket, { force: true });
        },
      };
    });
    // The contract cleaned up after itself: no bucket, no stray temp file.
    assert.deepEqual([...Deno.readDirSync(`${root}/buckets`)], []);
    assert.deepEqual([...Deno.readDirSync(`${root}/tmp`)], []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

serverTest(
  "objects contract: minio (server)",
  ["S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"],
  async (t) => {
    const endpoint = serverSetting("S3_ENDPOINT")!.replace(/\/+$/, "");
    await objectsContract(t, async () => {
      const store = await openMinioObjects({
        endpoint,
        accessKey: serverSetting("S3_ACCESS_KEY")!,
        secretKey: serverSetting("S3_SECRET_KEY")!,
        region: serverSetting("S3_REGION") ?? "us-east-1",
        timeoutMs: 10_000,
      });
      return {
        store,
        fetchSigned: (url, init) => fetch(url, init),
        anonymousCanRead: async (bucket, key) => {
          const res = await fetch(`${endpoint}/${bucket}/${encodeKeyPath(key)}`);
          await res.body?.cancel();
          return res.status === 200;
        },
        dropBucket: async (bucket) => {
          await store.removeBucket(bucket, { force: true });
        },
      };
    });
  },
);

serverTest(
  "objects minio: a stalled upload times out, a slow moving one completes",
  ["S3_ENDPOINT", "S3_ACCESS_KEY", "S3_SECRET_KEY"],
  async () => {
    const store = await openMinioObjects({
      endpoint: serverSetting("S3_ENDPOINT")!,
      accessKey: serverSetting("S3_ACCESS_KEY")!,
      secretKey: serverSetting("S3_SECRET_KEY")!,
      region: serverSetting("S3_REGION") ?? "us-east-1",
      timeoutMs: 400,
    });
    const bucket = `t-${crypto.randomUUID().slice(0, 8)}-idle`;
    try {
      await store.ensureBucket(bucket);
      const stalled = new ReadableStream<Uint8Array>({
        start: (ctl) => ctl.enqueue(new Uint8Array(10)),
      });
      const started = performance.now();
      await assert.rejects(
        store.put(bucket, "stalled.bin", stalled, { size: 100 }),
        (e) => isStoreError(e, "timeout"),
      );
      assert.ok(performance.now() - started < 2000);
      // Longer than the timeout in total, but never idle for that long.
      let n = 0;
      const slow = new ReadableStream<Uint8Array>({
        async pull(ctl) {
          await new Promise((r) => setTimeout(r, 150));
          if (n++ < 5) ctl.enqueue(new Uint8Array(10));
          else ctl.close();
        },
      });
      assert.equal((await store.put(bucket, "slow.bin", slow, { size: 50 })).size, 50);
    } finally {
      await store.removeBucket(bucket, { force: true });
      await store.close();
    }
  },
);

Deno.test("objects: minio against a closed port fails fast as unavailable", async () => {
  const started = performance.now();
  await assert.rejects(
    openMinioObjects({
      endpoint: "http://127.0.0.1:1",
      accessKey: "x",
      secretKey: "yyyyyyyy",
      region: "us-east-1",
      timeoutMs: 3000,
    }),
    (e) => isStoreError(e, "unavailable"),
  );
  assert.ok(performance.now() - started < 3000);
});

Deno.test("objects: minio calls that outlast the timeout fail as timeout", async () => {
  // A server that accepts connections and never answers.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  try {
    await assert.rejects(
      openMinioObjects({
        endpoint: `http://127.0.0.1:${listener.addr.port}`,
        accessKey: "x",
        secretKey: "yyyyyyyy",
        region: "us-east-1",
        timeoutMs: 300,
      }),
      (e) => isStoreError(e, "timeout"),
    );
  } finally {
    listener.close();
    for (const c of held) c.close();
    await accepting.catch(() => {});
  }
});

Deno.test("objects folder: sweep removes only objects older than their rule", async () => {
  await withFolder(async (store, _root, clock) => {
    await store.ensureBucket("exports");
    await store.ensureBucket("keepers");
    await store.setLifecycle("exports", [
      { prefix: "daily/", expireDays: 30 },
      { prefix: "daily/short/", expireDays: 1 },
    ]);
    const t0 = clock.ms;
    await store.put("exports", "daily/old.csv", "old");
    await store.put("exports", "daily/short/tmp.csv", "tmp");
    await store.put("exports", "manual/report.pdf", "kept: no rule covers it");
    await store.put("keepers", "daily/old.csv", "no rules in this bucket");
    clock.ms = t0 + 20 * DAY;
    await store.put("exports", "daily/new.csv", "new");

    // Day 20: only the 1-day rule has something to remove.
    assert.equal(await store.sweep(new Date(t0 + 20 * DAY)), 1);
    assert.equal(await store.stat("exports", "daily/short/tmp.csv"), null);
    assert.ok(await store.stat("exports", "daily/old.csv"));

    // Exactly 30 days is not older than 30 days.
    assert.equal(await store.sweep(new Date(t0 + 30 * DAY)), 0);

    // Day 31: daily/old.csv is past 30 days; daily/new.csv is 11 days old.
    assert.equal(await store.sweep(new Date(t0 + 31 * DAY)), 1);
    const left = (await store.list("exports")).map((o) => o.key);
    assert.deepEqual(left, ["daily/new.csv", "manual/report.pdf"]);
    assert.ok(await store.stat("keepers", "daily/old.csv"));

    // Without an argument the store's clock decides.
    clock.ms = t0 + 60 * DAY;
    assert.equal(await store.sweep(), 1);
    assert.deepEqual((await store.list("exports")).map((o) => o.key), ["manual/report.pdf"]);
  });
});

Deno.test("objects folder: sweep clears temp files of crashed writes by their real age", async () => {
  await withFolder(async (store, root, clock) => {
    await Deno.writeTextFile(`${root}/tmp/crashed`, "half");
    await Deno.writeTextFile(`${root}/tmp/in-flight`, "half");
    const twoDaysAgo = new Date(Date.now() - 2 * DAY);
    await Deno.utime(`${root}/tmp/crashed`, twoDaysAgo, twoDaysAgo);
    // A sweep told it is far in the future still judges temp files on the wall clock.
    clock.ms += 365 * DAY;
    await store.sweep(new Date(clock.ms));
    assert.deepEqual([...Deno.readDirSync(`${root}/tmp`)].map((e) => e.name), ["in-flight"]);
  });
});

Deno.test("objects folder: the sweeper runs on its interval and stops", async () => {
  await withFolder(async (store, _root, clock) => {
    await store.ensureBucket("temp");
    await store.setLifecycle("temp", [{ prefix: "", expireDays: 1 }]);
    await store.put("temp", "a.txt", "a");
    clock.ms += 2 * DAY;
    const errors: unknown[] = [];
    const stop = store.startSweeper(20, (e) => errors.push(e));
    try {
      const deadline = Date.now() + 3000;
      while ((await store.stat("temp", "a.txt")) !== null && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(await store.stat("temp", "a.txt"), null);
    } finally {
      stop();
    }
    // Stopped: a new old object stays put.
    await store.put("temp", "b.txt", "b");
    clock.ms += 2 * DAY;
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(await store.stat("temp", "b.txt"));
    assert.deepEqual(errors, []);
  });
});

Deno.test("objects folder: ensureStandardBuckets sets access and lifecycle", async () => {
  await withFolder(async (store) => {
    await ensureStandardBuckets(store);
    await ensureStandardBuckets(store); // idempotent
    assert.deepEqual(
      await store.listBuckets(),
      ["avatars", "backups", "content", "contracts", "exports", "receipts", "temp"],
    );
    assert.equal(await store.isPublicRead("avatars"), true);
    assert.equal(await store.isPublicRead("contracts"), false);
    assert.deepEqual(await store.getLifecycle("exports"), [{ prefix: "", expireDays: 30 }]);
    // Backup runs rotate; archived partitions (partitions/…) keep their longer cold retention.
    assert.deepEqual(await store.getLifecycle("backups"), [{ prefix: "backups/", expireDays: 90 }]);
    assert.deepEqual(await store.getLifecycle("temp"), [{ prefix: "", expireDays: 1 }]);
    assert.deepEqual(await store.getLifecycle("contracts"), []);
    assert.equal(STANDARD_BUCKETS.length, 7);
  });
});

Deno.test("objects folder: keys cannot reach outside the bucket folder", async (t) => {
  await withFolder(async (store, root) => {
    await store.ensureBucket("box");
    const outside = await Deno.makeTempDir({ prefix: "outside_" });
    try {
      await Deno.writeTextFile(`${outside}/secret.txt`, "secret");
      // A symlink planted inside the bucket (by hand, or a bug elsewhere).
      await Deno.symlink(outside, `${root}/data/box/link`);

      await t.step("writes through the link are refused", async () => {
        await assert.rejects(
          store.put("box", "link/new.txt", "x"),
          (e) => isStoreError(e, "invalid"),
        );
        assert.deepEqual([...Deno.readDirSync(outside)].map((e) => e.name), ["secret.txt"]);
      });
      await t.step("reads through the link find nothing", async () => {
        assert.equal(await store.stat("box", "link/secret.txt"), null);
        await assert.rejects(
          store.get("box", "link/secret.txt"),
          (e) => isStoreError(e, "not_found"),
        );
        assert.deepEqual(await store.list("box"), []);
        assert.deepEqual(await store.list("box", "link/"), []);
        assert.equal(await store.remove("box", "link/secret.txt"), false);
        assert.equal(await Deno.readTextFile(`${outside}/secret.txt`), "secret");
      });
      await t.step("traversal never reaches the file system", async () => {
        for (const key of ["../box2/x", "a/../../x", "/etc/passwd", "a\\..\\x"]) {
          await assert.rejects(store.put("box", key, "x"), (e) => isStoreError(e, "invalid"));
        }
        assert.deepEqual([...Deno.readDirSync(`${root}/data`)].map((e) => e.name), ["box"]);
      });
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

Deno.test("objects folder: a key cannot be both an object and a folder of keys", async () => {
  await withFolder(async (store, root) => {
    await store.ensureBucket("box");
    await store.put("box", "a/b", "inner");
    await assert.rejects(store.put("box", "a", "outer"), (e) => isStoreError(e, "conflict"));
    await store.put("box", "c", "outer");
    await assert.rejects(store.put("box", "c/d", "inner"), (e) => isStoreError(e, "conflict"));
    // A file placed by hand (no sidecar) refuses a longer key without leaving a sidecar behind.
    await Deno.writeTextFile(`${root}/data/box/hand`, "by hand");
    await assert.rejects(store.put("box", "hand/x", "inner"), (e) => isStoreError(e, "conflict"));
    await Deno.remove(`${root}/data/box/hand`);
    await store.put("box", "hand", "now an object");
    assert.equal((await store.stat("box", "hand"))?.size, 13);
    // Removing the inner key prunes its folder, so the outer key becomes possible.
    assert.equal(await store.remove("box", "a/b"), true);
    await store.put("box", "a", "outer");
    assert.deepEqual((await store.list("box")).map((o) => o.key), ["a", "c", "hand"]);
  });
});

Deno.test("objects folder: keys that look like sidecars are ordinary keys", async () => {
  await withFolder(async (store) => {
    await store.ensureBucket("box");
    await store.put("box", "x", "data", { metadata: { k: "1" } });
    await store.put("box", "x.meta.json", "{not json", { contentType: "application/json" });
    assert.deepEqual((await store.stat("box", "x"))?.metadata, { k: "1" });
    assert.equal((await store.stat("box", "x.meta.json"))?.content_type, "application/json");
    assert.deepEqual((await store.list("box")).map((o) => o.key), ["x", "x.meta.json"]);
  });
});

Deno.test("objects folder: a failing upload leaves no object and no temp file", async () => {
  await withFolder(async (store, root) => {
    await store.ensureBucket("box");
    await store.put("box", "doc.txt", "version 1");
    let sent = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(ctl) {
        if (sent++ < 3) ctl.enqueue(new Uint8Array(1000));
        else ctl.error(new Error("client went away"));
      },
    });
    await assert.rejects(store.put("box", "doc.txt", failing), /client went away/);
    await assert.rejects(
      store.put("box", "other.txt", "abc", { size: 4 }),
      (e) => isStoreError(e, "invalid"),
    );
    const got = await store.get("box", "doc.txt");
    assert.equal(new TextDecoder().decode(await readAll(got.body)), "version 1");
    assert.equal(await store.stat("box", "other.txt"), null);
    assert.deepEqual([...Deno.readDirSync(`${root}/tmp`)], []);
  });
});

Deno.test("objects folder: concurrent writes to one key leave a consistent object", async () => {
  await withFolder(async (store) => {
    await store.ensureBucket("box");
    const bodies = Array.from({ length: 8 }, (_, i) => "x".repeat(100 * (i + 1)));
    await Promise.all(
      bodies.map((b, i) =>
        store.put("box", "race.txt", chunked(new TextEncoder().encode(b), 64), {
          metadata: { n: String(i) },
        })
      ),
    );
    const got = await store.get("box", "race.txt");
    const body = new TextDecoder().decode(await readAll(got.body));
    const n = Number(got.info.metadata.n);
    assert.equal(body, bodies[n]);
    assert.equal(got.info.size, body.length);
  });
});

Deno.test("objects folder: data, sidecars and bucket settings survive a reopen", async () => {
  const root = await Deno.makeTempDir({ prefix: "objects_" });
  try {
    const a = await openFolderObjects({ root, signingKey: SIGNING_KEY, publicUrl: "http://x" });
    await a.ensureBucket("avatars", { publicRead: true });
    await a.setLifecycle("avatars", [{ prefix: "tmp/", expireDays: 2 }]);
    const put = await a.put("avatars", "users/1/p.webp", "img", {
      contentType: "image/webp",
      metadata: { w: "200" },
    });
    await a.close();
    const b = await openFolderObjects({ root, signingKey: SIGNING_KEY, publicUrl: "http://x" });
    const st = await b.stat("avatars", "users/1/p.webp");
    assert.deepEqual(st, put);
    assert.equal(await b.isPublicRead("avatars"), true);
    assert.deepEqual(await b.getLifecycle("avatars"), [{ prefix: "tmp/", expireDays: 2 }]);
    await b.close();
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("objects folder: a file placed by hand is served with default info", async () => {
  await withFolder(async (store, root) => {
    await store.ensureBucket("box");
    await Deno.mkdir(`${root}/data/box/in`, { recursive: true });
    await Deno.writeTextFile(`${root}/data/box/in/hand.txt`, "by hand");
    const st = await store.stat("box", "in/hand.txt");
    assert.ok(st);
    assert.equal(st.size, 7);
    assert.equal(st.content_type, "application/octet-stream");
    assert.deepEqual(st.metadata, {});
    assert.deepEqual((await store.list("box", "in/")).map((o) => o.key), ["in/hand.txt"]);
  });
});

Deno.test("objects folder: a short signing key is refused", async () => {
  await assert.rejects(
    openFolderObjects({ root: "/nonexistent", signingKey: "short", publicUrl: "http://x" }),
    (e) => isStoreError(e, "invalid"),
  );
});

Deno.test("objects folder: removeBucket refuses a non-empty bucket unless forced", async () => {
  await withFolder(async (store) => {
    await store.ensureBucket("box");
    await store.put("box", "a", "x");
    await assert.rejects(store.removeBucket("box"), (e) => isStoreError(e, "conflict"));
    assert.equal(await store.removeBucket("box", { force: true }), true);
    assert.equal(await store.removeBucket("box"), false);
    assert.deepEqual(await store.listBuckets(), []);
  });
});
