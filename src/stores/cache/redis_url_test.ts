/**
 * Unit tests for REDIS_URL parsing: the Cluster and Sentinel forms, which ioredis cannot take as
 * a URL, and the errors for malformed input (which must not echo a password).
 *
 * @module
 */
import assert from "node:assert/strict";
import { isStoreError } from "../errors.ts";
import { parseRedisUrl } from "./redis_url.ts";

Deno.test("parseRedisUrl", async (t) => {
  await t.step("plain and TLS URLs pass through to ioredis unchanged", () => {
    assert.deepEqual(parseRedisUrl("redis://127.0.0.1:6379/2"), {
      kind: "standalone",
      url: "redis://127.0.0.1:6379/2",
    });
    assert.deepEqual(parseRedisUrl(" rediss://:pw@h:6380 "), {
      kind: "standalone",
      url: "rediss://:pw@h:6380",
    });
  });

  await t.step("cluster: seed nodes, default port, credentials, TLS", () => {
    assert.deepEqual(parseRedisUrl("redis+cluster://h1:7000,h2:7001,h3"), {
      kind: "cluster",
      nodes: [{ host: "h1", port: 7000 }, { host: "h2", port: 7001 }, { host: "h3", port: 6379 }],
      tls: false,
    });
    assert.deepEqual(parseRedisUrl("rediss+cluster://app:p%40ss@10.0.0.1:7000,[::1]:7001/"), {
      kind: "cluster",
      nodes: [{ host: "10.0.0.1", port: 7000 }, { host: "::1", port: 7001 }],
      username: "app",
      password: "p@ss",
      tls: true,
    });
  });

  await t.step("sentinel: hosts, master name, db, password-only auth", () => {
    assert.deepEqual(parseRedisUrl("redis+sentinel://s1:26379,s2:26380/mymaster"), {
      kind: "sentinel",
      sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26380 }],
      name: "mymaster",
      db: 0,
      tls: false,
    });
    assert.deepEqual(parseRedisUrl("redis+sentinel://:secret@s1,s2/main%20group/3"), {
      kind: "sentinel",
      sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26379 }],
      name: "main group",
      db: 3,
      password: "secret",
      tls: false,
    });
  });

  await t.step("malformed URLs are refused as invalid without echoing secrets", () => {
    const bad = [
      "http://h:1",
      "redis+cluster://h1:7000/1",
      "redis+sentinel://s1:26379",
      "redis+sentinel://s1:26379/m/x",
      "redis+sentinel://:topsecret@s1:99999/m",
      "redis+cluster://h1:port",
      "redis+cluster://h1:7000,,h2",
      "memcached://h",
    ];
    for (const url of bad) {
      assert.throws(() => parseRedisUrl(url), (err: unknown) => {
        assert.ok(isStoreError(err, "invalid"), `${url}: ${err}`);
        assert.ok(!err.message.includes("topsecret"));
        return true;
      });
    }
  });
});
