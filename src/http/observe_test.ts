import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Principal } from "../auth/mod.ts";
import { createLogger } from "../log.ts";
import { accessLog } from "./access_log.ts";
import { createHttpMetrics } from "./metrics.ts";
import { observeRequests } from "./observe.ts";
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
