/**
 * The error pieces on a small router: validation, malformed JSON, store errors, 404/405, 500.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { createLogger } from "../log.ts";
import { StoreError } from "../stores/errors.ts";
import { errorHandler, methodNotAllowedProblems, notFoundHandler } from "./errors.ts";
import { createRouter } from "./openapi.ts";
import { requestId } from "./request_id.ts";

function buildApp(logs: string[]) {
  const app = createRouter();
  app.onError(errorHandler(createLogger("debug", (l) => logs.push(l))));
  app.notFound(notFoundHandler());
  app.use("*", requestId());
  app.use("*", methodNotAllowedProblems(app));
  const key = (c: { req: { param(name: string): string | undefined } }) => c.req.param("key") ?? "";
  app.get("/objects/:bucket/:key{.+}", (c) => c.text(key(c)));
  app.put("/objects/:bucket/:key{.+}", (c) => c.text(key(c)));
  app.post("/objects/:bucket/reports/latest", (c) => c.text("report"));
  app.put("/pages/:space/:path{.+}", (c) => c.text("page"));
  app.get("/pages/:space/:a/:b/:c/meta", (c) => c.text("meta"));
  app.put("/notes/:id", (c) => c.text(`note ${c.req.param("id")}`));
  app.post("/notes/audio", (c) => c.text("audio"));
  app.put("/files/:bucket/:type/:id/:name", (c) => c.text("file"));
  app.get("/files/avatars/users/:user/:name", (c) => c.text("avatar"));
  app.get("/rel/:insight", (c) => c.text("list"));
  app.delete("/rel/:id", (c) => c.text("deleted"));
  app.openapi(
    createRoute({
      method: "post",
      path: "/things",
      request: {
        body: {
          content: {
            "application/json": {
              schema: z.strictObject({ name: z.string().min(2), score: z.number().int().max(100) }),
            },
          },
        },
      },
      responses: { 201: { description: "created" } },
    }),
    (c) => c.json({ ok: true }, 201),
  );
  app.get("/boom", () => {
    throw new Error("secret internals: password=hunter2 at db.ts:12");
  });
  app.get("/store/:code", (c) => {
    throw new StoreError(c.req.param("code") as "conflict", "relational", "duplicate value", {
      field: "email",
    });
  });
  return app;
}

async function problem(res: Response) {
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  return await res.json();
}

Deno.test("problem+json errors", async (t) => {
  const logs: string[] = [];
  const app = buildApp(logs);
  const post = (body: string) =>
    app.request("/things", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "req-abcdef12" },
      body,
    });

  await t.step("validation failure is 422 with field paths and the request id", async () => {
    const res = await post(JSON.stringify({ name: "x", score: 500, extra: 1 }));
    assert.equal(res.status, 422);
    const body = await problem(res);
    assert.equal(body.request_id, "req-abcdef12");
    const paths = body.errors.map((e: { path: string }) => e.path).sort();
    assert.deepEqual(paths, ["extra", "name", "score"]);
  });

  await t.step("malformed JSON is 400", async () => {
    const res = await post("{not json");
    assert.equal(res.status, 400);
    const body = await problem(res);
    assert.match(body.detail, /not valid JSON/);
  });

  await t.step("unknown path is 404, wrong method is 405 with Allow", async () => {
    const nf = await app.request("/nothing-here");
    assert.equal(nf.status, 404);
    assert.equal((await problem(nf)).status, 404);
    const na = await app.request("/things", { method: "DELETE" });
    assert.equal(na.status, 405);
    assert.equal(na.headers.get("Allow"), "POST");
    const body = await problem(na);
    assert.equal(body.type, "https://polystore.dev/problems/method_not_allowed");
    assert.match(body.detail, /DELETE is not allowed here/);
  });

  await t.step("405 on one-segment and multi-segment keys alike", async () => {
    for (const path of ["/objects/temp/one.txt", "/objects/temp/dir/two.txt"]) {
      assert.equal(await (await app.request(path)).text(), path.slice("/objects/temp/".length));
      const res = await app.request(path, { method: "DELETE" });
      assert.equal(res.status, 405, path);
      assert.equal(res.headers.get("Allow"), "GET, HEAD, PUT", path);
      await problem(res);
    }
  });

  await t.step("a concrete path shadows a templated one: other methods on it are 405", async () => {
    assert.equal(await (await app.request("/notes/audio", { method: "POST" })).text(), "audio");
    assert.equal(await (await app.request("/notes/n1", { method: "PUT" })).text(), "note n1");
    const put = await app.request("/notes/audio", { method: "PUT" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("Allow"), "POST");
    await problem(put);
    const avatar = await app.request("/files/avatars/users/u1/a.png", { method: "PUT" });
    assert.equal(avatar.status, 405);
    assert.equal(avatar.headers.get("Allow"), "GET, HEAD");
    await problem(avatar);
    const file = await app.request("/files/contracts/deal/d1/a.pdf", { method: "PUT" });
    assert.equal(await file.text(), "file");
    // Behind a key that spans segments: the concrete path still shadows it, at any depth.
    const report = await app.request("/objects/temp/reports/latest", { method: "PUT" });
    assert.equal(report.status, 405);
    assert.equal(report.headers.get("Allow"), "POST");
    assert.equal(await (await app.request("/objects/temp/reports/older")).text(), "reports/older");
    // Literal only where the spanning key reaches, deeper than any parameter of its own depth.
    const meta = await app.request("/pages/s1/a/b/c/meta", { method: "PUT" });
    assert.equal(meta.status, 405);
    assert.equal(meta.headers.get("Allow"), "GET, HEAD");
    assert.equal(
      await (await app.request("/pages/s1/a/b/c/body", { method: "PUT" })).text(),
      "page",
    );
    // Two templates alike but for a parameter's name are one path: both methods answer.
    assert.equal(await (await app.request("/rel/r1", { method: "DELETE" })).text(), "deleted");
    assert.equal(await (await app.request("/rel/r1")).text(), "list");
  });

  await t.step("a key with control characters is 404, never a 405 naming the method", async () => {
    for (const raw of ["a%0D%0Ab.txt", "dir/a%0Ab.txt", "a%09b.txt", "a%00b.txt"]) {
      for (const method of ["GET", "PUT", "DELETE"]) {
        const res = await app.request(`/objects/temp/${raw}`, { method });
        assert.equal(res.headers.get("Allow"), null, `${method} ${raw}`);
        if (method === "DELETE") {
          assert.equal(res.status, 404, `${method} ${raw}`);
          await problem(res);
        } else assert.notEqual(res.status, 405, `${method} ${raw}`);
      }
    }
  });

  await t.step("an unexpected error is a bare 500; details only in the log", async () => {
    const res = await app.request("/boom");
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.doesNotMatch(text, /hunter2|db\.ts|secret internals/);
    assert.ok(logs.some((l) => l.includes("secret internals")));
  });

  await t.step("store errors map to 409, 422, 404 and 503 with Retry-After", async () => {
    const expected: Record<string, number> = {
      conflict: 409,
      invalid: 422,
      not_found: 404,
      unavailable: 503,
      timeout: 503,
    };
    for (const [code, status] of Object.entries(expected)) {
      const res = await app.request(`/store/${code}`);
      assert.equal(res.status, status, code);
      const body = await problem(res);
      if (code === "conflict" || code === "invalid") assert.equal(body.errors[0].path, "email");
      if (status === 503) assert.equal(res.headers.get("Retry-After"), "5");
    }
  });

  await t.step("a sane client request id is kept, an insane one replaced", async () => {
    const kept = await app.request("/nothing", { headers: { "X-Request-Id": "abc-12345678" } });
    assert.equal(kept.headers.get("X-Request-Id"), "abc-12345678");
    const bad = await app.request("/nothing", { headers: { "X-Request-Id": "<script>" } });
    assert.match(bad.headers.get("X-Request-Id")!, /^[0-9a-f-]{36}$/);
  });
});
