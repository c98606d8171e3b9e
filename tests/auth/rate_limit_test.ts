// The auth limiters of the real app on both profiles (RATE_LIMIT_AUTH_PER_MIN=3): per IP and per
// account, RateLimit-* headers on every answer, 429 problem+json with Retry-After once spent.
import assert from "node:assert/strict";
import { apiTest, json } from "../support/api.ts";
import { assertProblem, type Pair, PASSWORD, register, uniqueEmail } from "./helpers.ts";

/** A random private address, so runs sharing one Redis never share a key. */
const randomIp = () => `10.${Array.from(crypto.getRandomValues(new Uint8Array(3))).join(".")}`;

apiTest("rate limits: the login limiter trips with its headers", async (t, api) => {
  const loginFrom = (ip: string, email: string, password = "wrong password!!") =>
    api.request("POST", "/api/v1/auth/login", {
      body: { email, password },
      headers: { "X-Forwarded-For": ip },
    });

  await t.step("per IP: three attempts, then 429 even with the right password", async () => {
    const ip = randomIp();
    const user = await register(api, uniqueEmail("rl"));
    for (let i = 0; i < 3; i++) {
      const res = await loginFrom(ip, uniqueEmail("nobody"));
      await assertProblem(res, 401, "invalid_credentials");
      assert.equal(res.headers.get("RateLimit-Limit"), "3");
      assert.equal(res.headers.get("RateLimit-Remaining"), String(2 - i));
      assert.ok(Number(res.headers.get("RateLimit-Reset")) >= 1);
    }
    const refused = await loginFrom(ip, user.email, PASSWORD);
    await assertProblem(refused, 429, "rate_limited");
    const retry = Number(refused.headers.get("Retry-After"));
    assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    assert.equal(refused.headers.get("RateLimit-Limit"), "3");
    assert.equal(refused.headers.get("RateLimit-Remaining"), "0");
    const ttl = await api.stores.cache.ttl(`rate_limit:${ip}:login`);
    assert.ok(ttl !== null && ttl > 0 && ttl <= 60_000, `ttl ${ttl}`);
  });

  await t.step("per e-mail: the same account from many IPs is limited too", async () => {
    const email = uniqueEmail("target");
    for (let i = 0; i < 3; i++) await assertProblem(await loginFrom(randomIp(), email), 401);
    await assertProblem(await loginFrom(randomIp(), email.toUpperCase()), 429, "rate_limited");
  });

  await t.step("register and refresh have their own tight per-IP limits", async () => {
    const ip = randomIp();
    for (let i = 0; i < 3; i++) {
      const res = await api.request("POST", "/api/v1/auth/refresh", {
        body: { refresh_token: "A".repeat(43) },
        headers: { "X-Forwarded-For": ip },
      });
      await assertProblem(res, 401);
      assert.equal(res.headers.get("RateLimit-Limit"), "3");
    }
    const refused = await api.request("POST", "/api/v1/auth/refresh", {
      body: { refresh_token: "A".repeat(43) },
      headers: { "X-Forwarded-For": ip },
    });
    await assertProblem(refused, 429);
    const reg = await api.request("POST", "/api/v1/auth/register", {
      body: { email: uniqueEmail(), password: PASSWORD, full_name: "R" },
      headers: { "X-Forwarded-For": ip },
    });
    assert.equal(reg.status, 201, "register counts apart from refresh");
  });

  await t.step("register, refresh and password change are limited per account too", async () => {
    const email = uniqueEmail("reg");
    const registerFrom = (ip: string, address: string) =>
      api.request("POST", "/api/v1/auth/register", {
        body: { email: address, password: PASSWORD, full_name: "R" },
        headers: { "X-Forwarded-For": ip },
      });
    assert.equal((await registerFrom(randomIp(), email)).status, 201);
    for (let i = 0; i < 2; i++) await assertProblem(await registerFrom(randomIp(), email), 409);
    await assertProblem(await registerFrom(randomIp(), email.toUpperCase()), 429, "rate_limited");

    // A real refresh token, replayed from many addresses: the owner's quota is what runs out.
    const signIn = await api.request("POST", "/api/v1/auth/login", {
      body: { email, password: PASSWORD },
      headers: { "X-Forwarded-For": randomIp() },
    });
    assert.equal(signIn.status, 200);
    const pair = await signIn.json() as Pair;
    const refreshFrom = (ip: string) =>
      api.request("POST", "/api/v1/auth/refresh", {
        body: { refresh_token: pair.refresh_token },
        headers: { "X-Forwarded-For": ip },
      });
    for (let i = 0; i < 3; i++) {
      const res = await refreshFrom(randomIp());
      assert.notEqual(res.status, 429, `refresh ${i + 1} refused early`);
      await res.body?.cancel();
    }
    const spent = await refreshFrom(randomIp());
    await assertProblem(spent, 429, "rate_limited");
    assert.ok(Number(spent.headers.get("Retry-After")) >= 1);

    // Wrong current passwords for one signed-in account, each from a new address.
    const other = await register(api, uniqueEmail("pw"));
    const token = (await json(
      await api.request("POST", "/api/v1/auth/login", {
        body: { email: other.email, password: PASSWORD },
        headers: { "X-Forwarded-For": randomIp() },
      }),
    )).access_token as string;
    const changeFrom = (ip: string) =>
      api.request("POST", "/api/v1/auth/password", {
        token,
        body: { current_password: "not the password!", new_password: "a brand new passphrase" },
        headers: { "X-Forwarded-For": ip },
      });
    for (let i = 0; i < 3; i++) await assertProblem(await changeFrom(randomIp()), 422);
    await assertProblem(await changeFrom(randomIp()), 429, "rate_limited");
  });

  await t.step("the spent IP still reaches general routes and /health", async () => {
    const ip = randomIp();
    for (let i = 0; i < 4; i++) await loginFrom(ip, uniqueEmail());
    const me = await api.request("GET", "/api/v1/auth/me", { headers: { "X-Forwarded-For": ip } });
    await assertProblem(me, 401);
    assert.equal(me.headers.get("RateLimit-Limit"), "100000");
    const health = await api.request("GET", "/health", { headers: { "X-Forwarded-For": ip } });
    assert.equal(health.status, 200);
    assert.equal(health.headers.get("RateLimit-Limit"), null);
  });
}, { RATE_LIMIT_AUTH_PER_MIN: "3", TRUST_PROXY: "true" });
