import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Principal } from "../auth/mod.ts";
import { createLogger } from "../log.ts";
import { accessLog } from "./access_log.ts";
import { createHttpMetrics } from "./metrics.ts";
import { type AnswerStep, observeRequests } from "./observe.ts";
import { answerHeaderSteps } from "./answer_headers.ts";
import { methodChecks } from "./errors.ts";
import type { AppEnv } from "./types.ts";

Deno.test("observeRequests: id, access line and metrics for every answer", async (t) => {
  const lines: string[] = [];
  const metrics = createHttpMetrics();
  const app = new Hono<AppEnv>()
    .use(observeRequests(accessLog(createLogger("info", (l) => lines.push(l))), metrics))
    .get("/who/:name", (c) => {
      if (c.req.query("as")) {
        c.set("principal", { userId: c.req.query("as") } as unknown as Principal);
      }
      return c.json({ ok: true });
    })
    .get("/boom", () => {
      throw new Error("boom");
    })
    .onError((_e, c) => c.json({ error: true }, 500));
  const last = () => JSON.parse(lines.at(-1)!);

  await t.step("the line has the fields JSON.stringify would give them", async () => {
    const path = "/who/%22quoted%22\u00e9";
    const res = await app.request(path + "?as=u-1", {
      headers: { "X-Request-Id": "req-12345678" },
    });
    assert.equal(res.headers.get("X-Request-Id"), "req-12345678");
    const line = last();
    assert.deepEqual(
      { ...line, time: undefined, duration_ms: undefined },
      {
        time: undefined,
        level: "info",
        msg: "request",
        request_id: "req-12345678",
        method: "GET",
        path: '/who/"quoted"\u00e9',
        status: 200,
        duration_ms: undefined,
        user_id: "u-1",
      },
    );
    assert.equal(typeof line.duration_ms, "number");
  });

  await t.step("no user_id when nobody signed in; a fresh id for an unfit one", async () => {
    const res = await app.request("/who/x", { headers: { "X-Request-Id": "bad id" } });
    const line = last();
    assert.equal("user_id" in line, false);
    assert.match(line.request_id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get("X-Request-Id"), line.request_id);
  });

  await t.step("a failure is an error line, and counted by route and status", async () => {
    await app.request("/boom");
    assert.equal(last().level, "error");
    assert.equal(last().status, 500);
    const text = await metrics.registry.metrics();
    assert.match(
      text,
      /polystore_http_requests_total\{method="GET",route="\/boom",status="500"\} 1/,
    );
    assert.match(
      text,
      /polystore_http_requests_total\{method="GET",route="\/who\/:name",status="200"\} 2/,
    );
  });
});

Deno.test("observeRequests: steps run around the chain as nested layers would", async (t) => {
  const lines: string[] = [];
  const ran: string[] = [];
  const app = new Hono<AppEnv>();
  const explode: AnswerStep = {
    finish(c) {
      if (c.req.path === "/explode") throw new Error("step failed");
    },
  };
  app.use(
    observeRequests(accessLog(createLogger("info", (l) => lines.push(l))), createHttpMetrics(), {
      steps: [
        answerHeaderSteps({
          pages: [],
          cors: { origin: ["https://app.test"], allowHeaders: [], exposeHeaders: [], maxAge: 60 },
        }),
        methodChecks(app),
        explode,
      ],
      onError: (_e, c) => c.json({ mapped: true }, 500),
    }),
  );
  app.get("/notes/:id", (c) => {
    ran.push(c.req.path);
    return c.json({ id: c.req.param("id") });
  });
  app.post("/notes/audio", (c) => c.json({ audio: true }));
  app.get("/explode", (c) => c.json({ ok: true }));
  const last = () => JSON.parse(lines.at(-1)!);

  await t.step(
    "a preflight is answered early: no route runs, the answer is still logged",
    async () => {
      const res = await app.request("/notes/n1", {
        method: "OPTIONS",
        headers: { Origin: "https://app.test", "Access-Control-Request-Method": "GET" },
      });
      assert.equal(res.status, 204);
      assert.equal(res.headers.get("Access-Control-Allow-Origin"), "https://app.test");
      assert.ok(res.headers.get("Content-Security-Policy"));
      assert.deepEqual(ran, []);
      assert.equal(last().status, 204);
      assert.equal(res.headers.get("X-Request-Id"), last().request_id);
    },
  );

  await t.step("a shadowed path is 405 before any route, with the answer headers", async () => {
    const res = await app.request("/notes/audio");
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("Allow"), "POST");
    assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.deepEqual(ran, []);
    assert.equal(last().status, 405);
  });

  await t.step("a 404 under another method becomes 405; then the headers are set", async () => {
    const res = await app.request("/notes/n2", { method: "DELETE" });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get("Allow"), "GET, HEAD");
    assert.equal(res.headers.get("Content-Type"), "application/problem+json");
    assert.equal(res.headers.get("X-Frame-Options"), "SAMEORIGIN");
    assert.equal((await app.request("/nowhere")).status, 404);
  });

  await t.step("a step that throws is mapped by onError and logged", async () => {
    const res = await app.request("/explode");
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { mapped: true });
    assert.equal(last().status, 500);
    assert.equal(last().level, "error");
    assert.equal(res.headers.get("X-Request-Id"), last().request_id);
  });
});
