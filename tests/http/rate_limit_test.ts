// The rate-limit middleware on a small app: groups and keys, headers on every limited answer,
// 429 problem+json with Retry-After, per-user quotas from a verified token, the login e-mail
// limit, and what happens when the cache is down.
import assert from "node:assert/strict";
import { Hono } from "hono";
import { createTokenService } from "../../src/auth/tokens/tokens.ts";
import { accessClaims } from "../../src/auth/tokens/access_claims.ts";
import { createLogger } from "../../src/log.ts";
import { errorHandler } from "../../src/http/errors.ts";
import { limitGroup, limitIp, rateLimit } from "../../src/http/rate_limit.ts";
import { requestId } from "../../src/http/request_id.ts";
import type { AppEnv } from "../../src/http/types.ts";
import { openMemoryCache } from "../../src/stores/cache/memory.ts";
import type { CacheStore } from "../../src/stores/cache/port.ts";
import { StoreError } from "../../src/stores/errors.ts";

const SECRET = "rate-limit-test-secret-0123456789abcdef";
const tokens = createTokenService(SECRET);

/** A cache whose throttle fails as a dead Redis does; everything else works. */
function downCache(): CacheStore {
  const inner = openMemoryCache();
  return new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "throttle") {
        return () => Promise.reject(new StoreError("unavailable", "cache", "connection refused"));
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

type Identify = Parameters<typeof rateLimit>[0]["identify"];
const identifyAsync: Identify = async (c) => (await accessClaims(c, tokens))?.sub ?? null;

function build(
  cache: CacheStore,
  limits = { anonPerMin: 2, userPerMin: 3, authPerMin: 2 },
  identify: Identify = identifyAsync,
) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger("debug", (l) => lines.push(JSON.parse(l)));
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(log));
  app.use("*", requestId());
  app.use(
    "*",
    rateLimit({
      cache,
      limits,
      trustProxy: true,
      log,
      identify,
    }),
  );
  app.get("/health", (c) => c.text("ok"));
  app.get("/ready", (c) => c.text("ok"));
  app.get("/api/v1/things", (c) => c.text("things"));
  app.post("/api/v1/auth/login", async (c) => c.text(await c.req.text()));
  app.post("/api/v1/auth/refresh", (c) => c.text("refreshed"));
  const call = (method: string, path: string, init: RequestInit & { ip?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("X-Forwarded-For", init.ip ?? "203.0.113.7");
    return app.request(path, { ...init, method, headers });
  };
  return { call, lines };
}

const loginBody = (email: string) => ({
  body: JSON.stringify({ email, password: "whatever it is" }),
  headers: { "Content-Type": "application/json" },
});

Deno.test("limitGroup and limitIp", async (t) => {
  await t.step("groups", () => {
    assert.deepEqual(limitGroup("GET", "/health"), { kind: "exempt" });
    assert.deepEqual(limitGroup("GET", "/ready/"), { kind: "exempt" });
    for (const e of ["register", "login", "refresh", "password"]) {
      assert.deepEqual(limitGroup("POST", `/api/v1/auth/${e}`), { kind: "auth", endpoint: e });
    }
    assert.deepEqual(limitGroup("GET", "/api/v1/auth/me"), { kind: "general" });
    assert.deepEqual(limitGroup("GET", "/api/v1/auth/login"), { kind: "general" });
    assert.deepEqual(limitGroup("GET", "/metrics"), { kind: "general" });
  });
  await t.step("IPs: v4 as is, mapped v6 as v4, other v6 by /64", () => {
    assert.equal(limitIp("198.51.100.4"), "198.51.100.4");
    assert.equal(limitIp("::ffff:198.51.100.4"), "198.51.100.4");
    assert.equal(limitIp("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    assert.equal(limitIp("2001:db8:1:2:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
    assert.equal(limitIp("::1"), "0:0:0:0::/64");
    assert.equal(limitIp(null), "unknown");
    assert.equal(limitIp("1::2::3"), "unknown");
  });
});

Deno.test("identify may answer at once, later, or fail", async (t) => {
  const limits = { anonPerMin: 1, userPerMin: 2, authPerMin: 2 };
  const token = (await tokens.signAccess(crypto.randomUUID())).token;
  const auth = { headers: { Authorization: `Bearer ${token}` } };
  const ways: [string, Identify, number][] = [
    ["a value", (c) => (accessClaims(c, tokens) as { sub: string } | null)?.sub ?? null, 2],
    ["a promise", identifyAsync, 2],
    ["a throw (counted as anonymous)", () => {
      throw new Error("claims unreadable");
    }, 1],
    ["a rejection (counted as anonymous)", () => Promise.reject(new Error("no")), 1],
  ];
  for (const [way, identify, limit] of ways) {
    await t.step(way, async () => {
      const { call } = build(openMemoryCache(), limits, identify);
      const first = await call("GET", "/api/v1/things", auth);
      assert.equal(first.status, 200);
      assert.equal(first.headers.get("RateLimit-Limit"), String(limit));
      for (let i = 1; i < limit; i++) {
        assert.equal((await call("GET", "/api/v1/things", auth)).status, 200);
      }
      assert.equal((await call("GET", "/api/v1/things", auth)).status, 429);
    });
  }
});

Deno.test("rate limits with a working cache", async (t) => {
  const cache = openMemoryCache();
  const { call } = build(cache);

  await t.step("anonymous calls: per IP, headers on each, 429 problem+json after", async () => {
    const a = await call("GET", "/api/v1/things");
    assert.equal(a.status, 200);
    assert.equal(a.headers.get("RateLimit-Limit"), "2");
    assert.equal(a.headers.get("RateLimit-Remaining"), "1");
    assert.ok(Number(a.headers.get("RateLimit-Reset")) > 0);
    assert.equal((await call("GET", "/api/v1/things")).headers.get("RateLimit-Remaining"), "0");
    const refused = await call("GET", "/api/v1/things");
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("Content-Type"), "application/problem+json");
    const retry = Number(refused.headers.get("Retry-After"));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal(refused.headers.get("RateLimit-Limit"), "2");
    assert.equal(refused.headers.get("RateLimit-Remaining"), "0");
    const body = await refused.json();
    assert.equal(body.status, 429);
    assert.match(body.type, /rate_limited$/);
    assert.ok(body.request_id);
    // Another IP has its own quota; the key follows seed 004's pattern.
    assert.equal((await call("GET", "/api/v1/things", { ip: "203.0.113.8" })).status, 200);
    assert.notEqual(await cache.get("rate_limit:203.0.113.7:api"), null);
  });

  await t.step("/health and /ready are never limited", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call("GET", i % 2 ? "/health" : "/ready");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("RateLimit-Limit"), null);
    }
  });

  await t.step("signed-in callers count per user, with the user limit", async () => {
    const alice = (await tokens.signAccess(crypto.randomUUID())).token;
    const bob = (await tokens.signAccess(crypto.randomUUID())).token;
    const auth = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) {
      const res = await call("GET", "/api/v1/things", auth(alice));
      assert.equal(res.status, 200, `call ${i}`);
      assert.equal(res.headers.get("RateLimit-Limit"), "3");
    }
    assert.equal((await call("GET", "/api/v1/things", auth(alice))).status, 429);
    assert.equal((await call("GET", "/api/v1/things", auth(bob))).status, 200);
    // A forged token is not a user: it counts against its IP (spent above).
    const forged = `${alice.slice(0, -3)}AAA`;
    assert.equal((await call("GET", "/api/v1/things", auth(forged))).status, 429);
  });

  await t.step("login: per IP, tighter, and the body still reaches the route", async () => {
    const ip = "198.51.100.20";
    const first = await call("POST", "/api/v1/auth/login", { ip, ...loginBody("a@x.test") });
    assert.equal(first.status, 200);
    assert.match(await first.text(), /a@x.test/);
    assert.equal(first.headers.get("RateLimit-Limit"), "2");
    await call("POST", "/api/v1/auth/login", { ip, ...loginBody("b@x.test") });
    const refused = await call("POST", "/api/v1/auth/login", { ip, ...loginBody("c@x.test") });
    assert.equal(refused.status, 429);
    assert.ok(refused.headers.get("Retry-After"));
    // Refresh has its own per-IP quota.
    assert.equal((await call("POST", "/api/v1/auth/refresh", { ip })).status, 200);
  });

  await t.step("login: per e-mail across IPs (any letter case)", async () => {
    const email = `victim-${crypto.randomUUID()}@x.test`;
    assert.equal(
      (await call("POST", "/api/v1/auth/login", { ip: "192.0.2.1", ...loginBody(email) })).status,
      200,
    );
    const form = {
      body: new URLSearchParams({ username: email.toUpperCase(), password: "x" }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    };
    assert.equal(
      (await call("POST", "/api/v1/auth/login", { ip: "192.0.2.2", ...form })).status,
      200,
    );
    const third = await call("POST", "/api/v1/auth/login", {
      ip: "192.0.2.3",
      ...loginBody(email),
    });
    assert.equal(third.status, 429);
    // The IP alone had room: the e-mail limit refused it.
    const fresh = await call("POST", "/api/v1/auth/login", {
      ip: "192.0.2.3",
      ...loginBody("someone-else@x.test"),
    });
    assert.equal(fresh.status, 200);
  });
});

Deno.test("rate limits with the cache down", async (t) => {
  const { call, lines } = build(downCache());

  await t.step("general traffic passes unlimited, with one warning", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await call("GET", "/api/v1/things");
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("RateLimit-Limit"), null);
    }
    const warnings = lines.filter((l) => l.level === "warn" && /unlimited/.test(String(l.msg)));
    assert.equal(warnings.length, 1, "warned once, not per request");
  });

  await t.step("auth routes fall back to the in-process limiter", async () => {
    const ip = "198.51.100.99";
    const ok = await call("POST", "/api/v1/auth/login", { ip, ...loginBody("z@x.test") });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("RateLimit-Limit"), "2");
    assert.equal(
      (await call("POST", "/api/v1/auth/login", { ip, ...loginBody("y@x.test") })).status,
      200,
    );
    const refused = await call("POST", "/api/v1/auth/login", { ip, ...loginBody("w@x.test") });
    assert.equal(refused.status, 429);
    assert.ok(refused.headers.get("Retry-After"));
  });
});
