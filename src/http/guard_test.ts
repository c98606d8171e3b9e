// The guard on a small app: public routes skip authentication, a caller known at once or later
// is admitted alike, no caller is 401, a missing grant 403, a route missing from the table 500.
import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Principal } from "../auth/mod.ts";
import { createLogger } from "../log.ts";
import { errorHandler } from "./errors.ts";
import { type Authenticator, guard } from "./guard.ts";
import type { AppEnv } from "./types.ts";

const reader: Principal = {
  userId: "u-1",
  jti: "j-1",
  exp: 0,
  roles: ["reader"],
  permissions: { notes: { read: true } },
  companyIds: [],
};

function build(authenticate: Authenticator) {
  let asked = 0;
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(createLogger("silent")));
  app.use(
    "*",
    guard(
      {
        "GET /open": "public",
        "GET /me": "user",
        "GET /notes": ["notes", "read"],
        "POST /notes": ["notes", "create"],
      },
      (c) => {
        asked++;
        return authenticate(c);
      },
    ),
  );
  app.get("/open", (c) => c.text("open"));
  app.get("/me", (c) => c.text(c.get("principal")!.userId));
  app.get("/notes", (c) => c.text("notes"));
  app.post("/notes", (c) => c.text("created"));
  app.get("/unlisted", (c) => c.text("never"));
  return { app, asked: () => asked };
}

Deno.test("guard", async (t) => {
  const ways: [string, Authenticator][] = [
    ["a caller known at once", () => reader],
    ["a caller found later", () => Promise.resolve(reader)],
  ];
  for (const [way, authenticate] of ways) {
    await t.step(`${way}: admitted by grant, refused without`, async () => {
      const { app, asked } = build(authenticate);
      assert.equal(await (await app.request("/open")).text(), "open");
      assert.equal(asked(), 0);
      assert.equal(await (await app.request("/me")).text(), "u-1");
      assert.equal(await (await app.request("/notes")).text(), "notes");
      const refused = await app.request("/notes", { method: "POST" });
      assert.equal(refused.status, 403);
      assert.equal(refused.headers.get("Content-Type"), "application/problem+json");
      assert.equal((await app.request("/unlisted")).status, 500);
    });
  }
  for (
    const [way, authenticate] of [
      ["no caller at once", () => null],
      ["no caller later", () => Promise.resolve(null)],
    ] as [string, Authenticator][]
  ) {
    await t.step(`${way}: 401, public routes still open`, async () => {
      const { app } = build(authenticate);
      assert.equal((await app.request("/me")).status, 401);
      assert.equal((await app.request("/notes")).status, 401);
      assert.equal((await app.request("/open")).status, 200);
    });
  }
  await t.step("an authenticator that fails is the error handler's answer", async () => {
    const { app } = build(() => Promise.reject(new Error("store down")));
    assert.equal((await app.request("/me")).status, 500);
  });
});
