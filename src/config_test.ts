import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

Deno.test("config", async (t) => {
  await t.step("defaults select embedded stores", () => {
    const c = loadConfig({});
    assert.equal(c.port, 8000);
    assert.equal(c.host, "127.0.0.1");
    assert.equal(c.dataDir, "./data");
    assert.equal(c.relational.url, undefined);
    assert.equal(c.cache.url, undefined);
    assert.equal(c.auth.jwtSecret, undefined);
    assert.equal(c.publicUrl, "http://127.0.0.1:8000");
  });

  await t.step("a bad PORT stops start-up naming the variable", () => {
    for (const port of ["abc", "0", "70000", "80.5"]) {
      assert.throws(
        () => loadConfig({ PORT: port }),
        (e) => e instanceof ConfigError && /PORT: must be a whole number/.test(e.message),
      );
    }
  });

  await t.step(
    "the memory trim runs every 2 s by default, 0 turns it off, below 0 is refused",
    () => {
      assert.equal(loadConfig({}).memoryTrimEveryMs, 2_000);
      assert.equal(loadConfig({ MEMORY_TRIM_EVERY_MS: "0" }).memoryTrimEveryMs, 0);
      assert.throws(
        () => loadConfig({ MEMORY_TRIM_EVERY_MS: "-1" }),
        /MEMORY_TRIM_EVERY_MS: must be a whole number/,
      );
    },
  );

  await t.step("a URL with the wrong scheme names its variable", () => {
    assert.throws(
      () => loadConfig({ REDIS_URL: "http://x", JWT_SECRET: "x".repeat(32) }),
      /REDIS_URL: must start with redis:\/\//,
    );
  });

  await t.step("server stores require JWT_SECRET", () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: "postgres://u:p@h/db" }),
      /JWT_SECRET: required/,
    );
    const c = loadConfig({ DATABASE_URL: "postgres://u:p@h/db", JWT_SECRET: "s".repeat(32) });
    assert.equal(c.relational.url, "postgres://u:p@h/db");
  });

  await t.step("memory:// relational does not count as a server", () => {
    assert.equal(loadConfig({ DATABASE_URL: "memory://" }).relational.url, "memory://");
  });

  await t.step("short JWT_SECRET and bad LOG_LEVEL are refused", () => {
    assert.throws(() => loadConfig({ JWT_SECRET: "short" }), /JWT_SECRET: must be at least 32/);
    assert.throws(() => loadConfig({ LOG_LEVEL: "loud" }), /LOG_LEVEL/);
  });

  await t.step("empty strings mean unset", () => {
    assert.equal(loadConfig({ MONGODB_URL: "", PORT: "" }).documents.url, undefined);
  });

  await t.step("CORS origins are a comma list", () => {
    assert.deepEqual(loadConfig({ CORS_ORIGINS: "https://a.test, https://b.test" }).corsOrigins, [
      "https://a.test",
      "https://b.test",
    ]);
  });
});
