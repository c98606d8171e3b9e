/**
 * Unit tests of the audit helpers: secrets scrubbed from values, and the actor taken from a request.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../http/types.ts";
import { type AuditActor, auditActor, scrub } from "./record.ts";

Deno.test("scrub hides secrets and keeps business figures", () => {
  const out = scrub({
    password: "p",
    password_hash: "h",
    token_hash: "t",
    refresh_token: "r",
    access_token: "a",
    token: "x",
    api_key: "k",
    client_secret: "s",
    daily_token_limit: 1000,
    total_tokens_used: 5,
    email: "a@b.c",
  });
  assert.deepEqual(out, {
    password: "[redacted]",
    password_hash: "[redacted]",
    token_hash: "[redacted]",
    refresh_token: "[redacted]",
    access_token: "[redacted]",
    token: "[redacted]",
    api_key: "[redacted]",
    client_secret: "[redacted]",
    daily_token_limit: 1000,
    total_tokens_used: 5,
    email: "a@b.c",
  });
  assert.equal(scrub(null), null);
});

Deno.test("scrub reaches secrets nested in JSON columns, in arrays and in camelCase", () => {
  const when = new Date("2026-01-01T00:00:00Z");
  const out = scrub({
    config: {
      model: "m",
      apiKey: "sk-1",
      providers: [{ name: "a", client_secret: "s" }, {
        name: "b",
        headers: { Authorization: "x" },
      }],
      nested: { deeper: { refreshToken: "r", max_tokens: 4 } },
    },
    metadata: null,
    tags: ["a", "b"],
    at: when,
  });
  assert.deepEqual(out, {
    config: {
      model: "m",
      apiKey: "[redacted]",
      providers: [
        { name: "a", client_secret: "[redacted]" },
        { name: "b", headers: { Authorization: "[redacted]" } },
      ],
      nested: { deeper: { refreshToken: "[redacted]", max_tokens: 4 } },
    },
    metadata: null,
    tags: ["a", "b"],
    at: when,
  });
  assert.equal(JSON.stringify(out).includes("sk-1"), false);
});

Deno.test("auditActor: only agente_ia callers have their agent looked up", async () => {
  const seen: AuditActor[] = [];
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    const roles = c.req.header("X-Roles");
    c.set("requestId", "req-1");
    if (roles !== undefined) {
      c.set("principal", {
        userId: "u1",
        jti: "j",
        exp: 0,
        roles: roles.split(",").filter(Boolean),
        permissions: {},
        companyIds: [],
        ...(c.req.header("X-Sid") ? { sessionId: c.req.header("X-Sid") } : {}),
      });
    }
    await next();
  });
  app.get("/", (c) => {
    seen.push(auditActor(c, c.req.header("X-Ip") ?? null));
    return c.text("ok");
  });
  const call = (headers: Record<string, string>) => app.request("/", { headers });
  await call({
    "X-Roles": "comercial,agente_ia",
    "User-Agent": "ua",
    "X-Ip": "192.0.2.1",
    "X-Sid": "s1",
  });
  await call({ "X-Roles": "comercial", "X-Ip": "not an ip" });
  await call({});
  assert.deepEqual(seen, [
    {
      userId: "u1",
      agentAccount: true,
      ip: "192.0.2.1",
      userAgent: "ua",
      requestId: "req-1",
      sessionId: "s1",
    },
    {
      userId: "u1",
      agentAccount: false,
      ip: null,
      userAgent: null,
      requestId: "req-1",
      sessionId: null,
    },
    {
      userId: null,
      agentAccount: false,
      ip: null,
      userAgent: null,
      requestId: "req-1",
      sessionId: null,
    },
  ]);
});
