// createRouter's routes check query, path, header and cookie schemas in one synchronous step
// (request_checks.ts): the same values, coercions, defaults and 422s as the library's layers, the
// route still documented whole, async refinements and a route's own hook still honoured.
import assert from "node:assert/strict";
import { createRoute, z } from "@hono/zod-openapi";
import { AppError } from "../errors.ts";
import { createRouter } from "./openapi.ts";

function router() {
  const app = createRouter();
  app.onError((err, c) =>
    err instanceof AppError
      ? c.json({ status: err.status, detail: err.detail, errors: err.errors }, 422)
      : c.json({ unexpected: String(err) }, 500)
  );
  return app;
}

const ok = { 200: { description: "ok" } } as const;

Deno.test("createRouter: request checks without the library's layers", async (t) => {
  const app = router();
  app.openapi(
    createRoute({
      method: "get",
      path: "/things/{id}",
      request: {
        params: z.object({ id: z.uuid() }),
        query: z.object({
          limit: z.coerce.number().int().min(1).max(10).default(5),
          tag: z.union([z.string(), z.array(z.string())]).optional(),
        }),
        headers: z.object({ "X-Trace": z.string().min(3).optional() }),
        cookies: z.object({ theme: z.enum(["dark", "light"]).optional() }),
      },
      responses: ok,
    }),
    (c) =>
      c.json({
        param: c.req.valid("param"),
        query: c.req.valid("query"),
        header: c.req.valid("header"),
        cookie: c.req.valid("cookie"),
      }, 200),
  );
  const id = crypto.randomUUID();

  await t.step("valid parts arrive parsed: coerced, defaulted, case-blind headers", async () => {
    const res = await app.request(`/things/${id}?tag=a&tag=b`, {
      headers: { "x-trace": "abcd", Cookie: "theme=dark" },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      param: { id },
      query: { limit: 5, tag: ["a", "b"] },
      header: { "X-Trace": "abcd" },
      cookie: { theme: "dark" },
    });
    const one = await (await app.request(`/things/${id}?limit=7&tag=a`)).json();
    assert.deepEqual(one.query, { limit: 7, tag: "a" });
  });

  await t.step(
    "the first failing part is answered by the hook, in the library's order",
    async () => {
      // Query before path: both are wrong, the query is named.
      const both = await app.request("/things/not-a-uuid?limit=99");
      assert.equal(both.status, 422);
      const body = await both.json();
      assert.equal(body.detail, "The query parameters is not valid");
      assert.equal(body.errors[0].path, "limit");
      const path = await (await app.request("/things/not-a-uuid")).json();
      assert.equal(path.detail, "The param parameters is not valid");
      assert.equal(path.errors[0].path, "id");
      const header = await app.request(`/things/${id}`, { headers: { "X-Trace": "ab" } });
      assert.equal((await header.json()).errors[0].path, "X-Trace");
      const cookie = await app.request(`/things/${id}`, { headers: { Cookie: "theme=blue" } });
      assert.equal((await cookie.json()).errors[0].path, "theme");
    },
  );

  await t.step("the route is documented once, with every parameter", () => {
    const doc = app.getOpenAPI31Document({
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
    });
    const get = doc.paths?.["/things/{id}"]?.get;
    assert.ok(get);
    const names = (get.parameters ?? []).map((p) => ("name" in p ? `${p.in}:${p.name}` : "ref"));
    assert.deepEqual(names.sort(), [
      "cookie:theme",
      "header:X-Trace",
      "path:id",
      "query:limit",
      "query:tag",
    ]);
    assert.equal(Object.keys(doc.paths ?? {}).length, 1);
  });
});

Deno.test("createRouter: async refinements and a route's own hook", async (t) => {
  const app = router();
  let refinements = 0;
  app.openapi(
    createRoute({
      method: "get",
      path: "/slow",
      request: {
        query: z.object({
          name: z.string().refine(async (v) => {
            refinements++;
            await Promise.resolve();
            return v !== "taken";
          }, "taken"),
        }),
      },
      responses: ok,
    }),
    (c) => c.json(c.req.valid("query"), 200),
  );
  app.openapi(
    createRoute({
      method: "get",
      path: "/own-hook",
      request: { query: z.object({ n: z.coerce.number() }) },
      responses: ok,
    }),
    (c) => c.json(c.req.valid("query"), 200),
    (result, c) => (result.success ? undefined : c.json({ own: true }, 400)),
  );

  await t.step("a schema with an async refinement is parsed async, every time", async () => {
    for (let i = 0; i < 2; i++) {
      const res = await app.request("/slow?name=free");
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { name: "free" });
    }
    const taken = await app.request("/slow?name=taken");
    assert.equal(taken.status, 422);
    assert.equal((await taken.json()).errors[0].message, "taken");
    assert.ok(refinements >= 3);
  });

  await t.step("a route's hook answers in place of the router's", async () => {
    const res = await app.request("/own-hook?n=x");
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { own: true });
    assert.deepEqual(await (await app.request("/own-hook?n=4")).json(), { n: 4 });
  });
});

Deno.test("createRouter: routes with a body keep the library's body check after ours", async () => {
  const app = router();
  app.openapi(
    createRoute({
      method: "post",
      path: "/items/{id}",
      request: {
        params: z.object({ id: z.coerce.number().int() }),
        body: {
          content: { "application/json": { schema: z.object({ name: z.string().min(1) }) } },
          required: true,
        },
      },
      responses: ok,
    }),
    (c) => c.json({ id: c.req.valid("param").id, body: c.req.valid("json") }, 200),
  );
  const post = (path: string, body: unknown) =>
    app.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  assert.deepEqual(await (await post("/items/3", { name: "a" })).json(), {
    id: 3,
    body: { name: "a" },
  });
  const badBody = await (await post("/items/3", { name: "" })).json();
  assert.equal(badBody.detail, "The request body is not valid");
  const badPath = await (await post("/items/x", { name: "" })).json();
  assert.equal(badPath.detail, "The param parameters is not valid");
});
