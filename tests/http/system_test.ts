// The app's system surface on both profiles: liveness, readiness of all five stores, metrics,
// OpenAPI, problem+json for unknown routes, request ids, one access log line, security headers.
import assert from "node:assert/strict";
import { apiTest, json } from "../support/api.ts";

apiTest("system routes and cross-cutting middleware", async (t, api) => {
  await t.step("/health answers 200", async () => {
    const res = await api.request("GET", "/health");
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
  });

  await t.step("/ready lists five stores, all ok, with latencies", async () => {
    const res = await api.request("GET", "/ready");
    const body = await json<{ status: string; stores: Record<string, Record<string, unknown>> }>(
      res,
    );
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.deepEqual(Object.keys(body.stores).sort(), [
      "cache",
      "documents",
      "graph",
      "objects",
      "relational",
    ]);
    for (const [role, s] of Object.entries(body.stores)) {
      assert.equal(s.status, "ok", role);
      assert.equal(typeof s.latency_ms, "number");
      assert.equal(typeof s.adapter, "string");
    }
    const expected = api.profile === "embedded"
      ? { relational: "pglite", cache: "memory", objects: "folder" }
      : { relational: "pg", cache: "redis", objects: "minio" };
    for (const [role, adapter] of Object.entries(expected)) {
      assert.equal(body.stores[role].adapter, adapter, role);
    }
  });

  await t.step("unknown route: 404 problem+json carrying the request id", async () => {
    const res = await api.request("GET", "/api/v1/no-such-thing", {
      headers: { "X-Request-Id": "client-req-0001" },
    });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get("Content-Type"), "application/problem+json");
    assert.equal(res.headers.get("X-Request-Id"), "client-req-0001");
    const body = await json(res);
    assert.equal(body.status, 404);
    assert.equal(body.request_id, "client-req-0001");
    assert.equal(typeof body.type, "string");
    assert.equal(typeof body.title, "string");
  });

  await t.step("wrong method on a known path: 405 with Allow", async () => {
    const res = await api.request("DELETE", "/health");
    assert.equal(res.status, 405);
    assert.match(res.headers.get("Allow") ?? "", /GET/);
  });

  await t.step("signed-URL keys: 405 with Allow whatever the number of segments", async () => {
    for (const key of ["one.txt", "dir/two.txt", "dir/sub/three.txt"]) {
      const res = await api.request("DELETE", `/api/v1/objects/signed/temp/${key}`);
      assert.equal(res.status, 405, key);
      assert.equal(res.headers.get("Allow"), "GET, HEAD, PUT", key);
      assert.equal(res.headers.get("Content-Type"), "application/problem+json");
      assert.equal((await json<{ status: number }>(res)).status, 405);
    }
  });

  await t.step("signed-URL keys with control characters: 403/404, never 405", async () => {
    for (const key of ["a%0D%0Ab.txt", "dir/a%0Ab.txt", "a%09b.txt", "a%00b.txt", "a%7Fb"]) {
      for (const method of ["GET", "PUT", "DELETE", "POST"]) {
        const res = await api.request(method, `/api/v1/objects/signed/temp/${key}`);
        assert.ok([403, 404].includes(res.status), `${method} ${key}: ${res.status}`);
        assert.equal(res.headers.get("Allow"), null, `${method} ${key}`);
        assert.equal(res.headers.get("Content-Type"), "application/problem+json");
        await res.body?.cancel();
      }
    }
  });

  await t.step("one JSON access log line per request", async () => {
    const before = api.logs.length;
    await api.request("GET", "/health", { headers: { "X-Request-Id": "log-line-check-1" } });
    const lines = api.logs.slice(before).filter((l) => l.msg === "request");
    assert.equal(lines.length, 1);
    const line = lines[0];
    assert.equal(line.method, "GET");
    assert.equal(line.path, "/health");
    assert.equal(line.status, 200);
    assert.equal(line.request_id, "log-line-check-1");
    assert.equal(typeof line.duration_ms, "number");
  });

  await t.step("security headers are set", async () => {
    const res = await api.request("GET", "/health");
    assert.equal(res.headers.get("X-Content-Type-Options"), "nosniff");
    assert.ok(res.headers.get("Strict-Transport-Security"));
    assert.equal(res.headers.get("X-Frame-Options"), "SAMEORIGIN");
  });

  await t.step("a body over the limit is 413 problem+json", async () => {
    const res = await api.request("POST", "/api/v1/auth/login", {
      body: "x".repeat(2 * 1024 * 1024),
      headers: { "Content-Type": "application/json" },
    });
    assert.equal(res.status, 413);
    assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  });

  await t.step("/metrics is Prometheus text with request counters by route", async () => {
    const res = await api.request("GET", "/metrics");
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.match(
      text,
      /polystore_http_requests_total\{method="GET",route="\/health",status="200"\}/,
    );
    assert.match(text, /process_cpu_user_seconds_total/);
  });

  await t.step("/openapi.json is an OpenAPI 3.1 document with the system routes", async () => {
    const res = await api.request("GET", "/openapi.json");
    assert.equal(res.status, 200);
    const doc = await json<{ openapi: string; paths: Record<string, unknown> }>(res);
    assert.equal(doc.openapi, "3.1.0");
    for (const path of ["/health", "/ready", "/metrics"]) assert.ok(doc.paths[path], path);
  });

  await t.step("/docs serves the Swagger UI page", async () => {
    const res = await api.request("GET", "/docs");
    assert.equal(res.status, 200);
    assert.match(await res.text(), /openapi\.json/);
  });
});
