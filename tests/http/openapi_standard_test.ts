// Every operation of /openapi.json documents the answers every route can give (issue 16, item 1),
// so a generated client meets no undocumented status: 400 and 413 on JSON bodies, 422, 429 and
// 503 on the API, and problem+json on every error response.
import assert from "node:assert/strict";
import { standardStatuses, withStandardResponses } from "../../src/http/openapi_document.ts";
import { z } from "@hono/zod-openapi";
import { ROLE_NAMES } from "../../src/auth/mod.ts";
import { money } from "../../src/crm/columns.ts";
import { apiTest, createUser, json } from "../support/api.ts";

interface Op {
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

Deno.test("standard statuses by path and body", () => {
  const jsonBody = { requestBody: { content: { "application/json": {} } } };
  const formBody = { requestBody: { content: { "application/x-www-form-urlencoded": {} } } };
  assert.deepEqual(standardStatuses("/api/v1/companies", jsonBody), [
    "400",
    "413",
    "422",
    "429",
    "503",
  ]);
  assert.deepEqual(standardStatuses("/api/v1/auth/login", formBody), ["413", "422", "429", "503"]);
  assert.deepEqual(standardStatuses("/api/v1/companies", {}), ["422", "429", "503"]);
  assert.deepEqual(standardStatuses("/health", {}), []);
  const doc = withStandardResponses({
    paths: {
      "/api/v1/x": { post: { ...jsonBody, responses: { 201: {}, 409: { description: "Taken" } } } },
    },
  });
  const op = doc.paths["/api/v1/x"].post.responses as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(op).sort(), ["201", "400", "409", "413", "422", "429", "503"]);
  assert.equal(op[409].description, "Taken", "a route's own description is kept");
  assert.ok(op[409].content, "a declared error gets the problem+json body");
  assert.equal(op[201].content, undefined, "success answers are left alone");
});

apiTest("/openapi.json: every operation documents the standard answers", async (t, api) => {
  const res = await api.request("GET", "/openapi.json");
  const doc = await json<{ paths: Record<string, Record<string, Op>> }>(res);
  const ops = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ key: `${method} ${path}`, path, op }))
  );

  await t.step("422, 429 and 503 on every API operation", () => {
    const api = ops.filter((o) => o.path.startsWith("/api/v1/"));
    assert.ok(api.length > 100);
    const gaps = api.filter((o) => !["422", "429", "503"].every((s) => s in o.op.responses));
    assert.deepEqual(gaps.map((o) => o.key), []);
  });

  await t.step("400 and 413 on every JSON-bodied operation; 422 on the login forms", () => {
    const bodied = ops.filter((o) => "application/json" in (o.op.requestBody?.content ?? {}));
    assert.ok(bodied.some((o) => o.key === "post /api/v1/auth/register"));
    const gaps = bodied.filter((o) => !("400" in o.op.responses && "413" in o.op.responses));
    assert.deepEqual(gaps.map((o) => o.key), []);
    for (const key of ["post /api/v1/auth/login", "post /api/v1/auth/refresh"]) {
      const op = ops.find((o) => o.key === key)!.op;
      assert.ok("application/x-www-form-urlencoded" in (op.requestBody?.content ?? {}), key);
      assert.ok("422" in op.responses, key);
    }
  });

  await t.step("every error response has a body: problem+json unless declared (/ready)", () => {
    const gaps = ops.flatMap((o) =>
      Object.entries(o.op.responses)
        .filter(([s, r]) =>
          /^[45]/.test(s) && !r.content?.["application/problem+json"] && o.key !== "get /ready"
        )
        .map(([s]) => `${o.key} ${s}`)
    );
    assert.deepEqual(gaps, []);
  });
});

Deno.test("money takes every multiple of 0.01 a client can send, up to float rounding", () => {
  const value = money().value;
  for (const ok of [0, 0.07, 0.1 + 0.2, 12345678.91, 9999999999.99, 99 * 0.01]) {
    assert.ok(value.safeParse(ok).success, String(ok));
  }
  for (const bad of [0.075, 9999999999.991, -0.01]) {
    assert.ok(!value.safeParse(bad).success, String(bad));
  }
});

apiTest("/openapi.json: request schemas say what the server validates", async (t, api) => {
  const doc = await json<{
    paths: Record<string, Record<string, { parameters?: { name: string; schema: Schema }[] }>>;
    components: { schemas: Record<string, Schema> };
  }>(await api.request("GET", "/openapi.json"));
  const param = (path: string, name: string) =>
    doc.paths[path].get.parameters?.find((p) => p.name === name)?.schema;

  await t.step("limit is an integer 1-200 and cursor base64url, on every list", () => {
    for (const path of ["/api/v1/companies", "/api/v1/users", "/api/v1/dashboards"]) {
      const limit = param(path, "limit");
      assert.equal(limit?.type, "integer", path);
      assert.equal(limit?.minimum, 1, path);
      assert.equal(limit?.maximum, 200, path);
      assert.equal(limit?.pattern, undefined, path);
      assert.equal(param(path, "cursor")?.pattern, "^[A-Za-z0-9_-]+$", path);
    }
  });

  await t.step("PATCH bodies need a field; money is a multiple of 0.01", () => {
    const s = doc.components.schemas;
    assert.equal(s.CompanyPatch.minProperties, 1);
    assert.equal(s.InvoiceCreate.properties?.total.multipleOf, 0.01);
  });

  await t.step("e-mail carries the pattern the server checks; roles are an enum", () => {
    const s = doc.components.schemas;
    assert.equal(s.RegisterRequest.properties?.email.pattern, z.regexes.email.source);
    assert.equal(s.ContactCreate.properties?.email.pattern, z.regexes.email.source);
    assert.deepEqual(s.GrantRoleRequest.properties?.role.enum, [...ROLE_NAMES]);
  });

  await t.step("the server answers the documented limit bounds as documented", async () => {
    const admin = await createUser(api, { roles: ["admin"] });
    for (const [limit, status] of [["1", 200], ["200", 200], ["0", 422], ["201", 422]] as const) {
      const res = await api.request("GET", `/api/v1/companies?limit=${limit}`, {
        token: admin.token,
      });
      await res.body?.cancel();
      assert.equal(res.status, status, limit);
    }
  });
});

interface Schema {
  type?: string | string[];
  minimum?: number;
  maximum?: number;
  pattern?: string;
  multipleOf?: number;
  minProperties?: number;
  enum?: unknown[];
  properties?: Record<string, Schema>;
}
