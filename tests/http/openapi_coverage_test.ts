// /openapi.json and the app's routes must match both ways: a served route missing from the document
// is invisible to clients, and a documented operation nobody serves is a lie. Each operation must
// also say how it succeeds and, when guarded, that it needs the bearer token and how it is refused.
import assert from "node:assert/strict";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { PermissionTable } from "../../src/http/route_permissions.ts";
import { apiTest, json } from "../support/api.ts";

/** Served routes that are deliberately not operations of the document, each with why. */
const NOT_DOCUMENTED: Readonly<Record<string, string>> = {
  "GET /openapi.json": "the document itself",
  "GET /docs": "the Swagger UI page that renders the document",
};

/** Error answers that are deliberately not problem+json, each with why. */
const NOT_PROBLEMS: Readonly<Record<string, string>> = {
  "GET /ready 503": "readiness answers its per-store status document whatever the outcome",
};

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

interface Operation {
  responses?: Record<string, unknown>;
  security?: Record<string, unknown>[];
}

interface OpenApiDoc {
  paths?: Record<string, object>;
  components?: { securitySchemes?: Record<string, unknown> };
}

interface RouteLike {
  method: string;
  path: string;
}

/** `/:id` and `/:key{.+}` as OpenAPI writes them: `/{id}`, `/{key}` (one nested brace allowed). */
function toOpenApiPath(honoPath: string): string {
  return honoPath.replace(/:([A-Za-z0-9_]+)(?:\{(?:[^{}]|\{[^{}]*\})*\})?/g, "{$1}");
}

/**
 * The operations an app serves, as "METHOD /openapi/path" mapped to the Hono route key
 * ("METHOD /hono/:path") the permission table uses. Middleware (`ALL` on a wildcard path) is
 * skipped; an `app.all` route on a real path is kept, so it shows up as undocumented.
 */
function servedOperations(routes: readonly RouteLike[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of routes) {
    if (r.method === "ALL" && r.path.endsWith("*")) continue;
    out.set(`${r.method} ${toOpenApiPath(r.path)}`, `${r.method} ${r.path}`);
  }
  return out;
}

/** The document's operations as "METHOD /path" keys. */
function documentedOperations(doc: OpenApiDoc): Map<string, Operation> {
  const out = new Map<string, Operation>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(item)) {
      if (HTTP_METHODS.includes(method)) out.set(`${method.toUpperCase()} ${path}`, op);
    }
  }
  return out;
}

/** Served but undocumented (exclusions aside), and documented but not served; both sorted. */
function compareOperations(
  served: ReadonlyMap<string, string>,
  documented: ReadonlyMap<string, Operation>,
  excluded: Readonly<Record<string, string>> = {},
): { undocumented: string[]; phantom: string[] } {
  const undocumented = [...served]
    .filter(([op, honoKey]) => !documented.has(op) && !(honoKey in excluded))
    .map(([op]) => op)
    .sort();
  const phantom = [...documented.keys()].filter((op) => !served.has(op)).sort();
  return { undocumented, phantom };
}

/** What an operation's declaration lacks, given the route's permission entry. */
function declarationGaps(op: Operation, perm: PermissionTable[string] | undefined): string[] {
  const codes = Object.keys(op.responses ?? {});
  const gaps: string[] = [];
  if (!codes.some((c) => /^2(\d\d|XX)$/.test(c))) gaps.push("no 2xx response");
  // Every error answer is problem+json (src/http/problem.ts); the document must say so.
  for (const code of codes.filter((c) => /^[45]/.test(c))) {
    const content = (op.responses?.[code] as { content?: Record<string, unknown> }).content;
    if (!content || !("application/problem+json" in content)) {
      gaps.push(`${code} does not declare application/problem+json`);
    }
  }
  const bearer = (op.security ?? []).some((s) => "bearer" in s);
  if (perm === undefined) return [...gaps, "no permission entry"];
  if (perm === "public") {
    // A public route that claims a token would have Swagger UI send one for nothing.
    if (bearer) gaps.push("public but declares bearer security");
    return gaps;
  }
  if (JSON.stringify(op.security) !== JSON.stringify([{ bearer: [] }])) {
    gaps.push(`security is ${JSON.stringify(op.security)}, not [{"bearer":[]}]`);
  }
  if (!codes.includes("401")) gaps.push("no 401 response");
  // The guard answers 403 only when roles decide; a "user" route (any signed-in caller, on their
  // own data) answers what is not theirs as 404, so it has no 403 to declare.
  if (perm !== "user" && !codes.includes("403")) gaps.push("no 403 response");
  return gaps;
}

Deno.test("the route walk flags a plain route and a phantom operation", async (t) => {
  await t.step("Hono paths become OpenAPI paths", () => {
    assert.equal(toOpenApiPath("/api/v1/companies/:id"), "/api/v1/companies/{id}");
    assert.equal(toOpenApiPath("/signed/:bucket/:key{.+}"), "/signed/{bucket}/{key}");
    assert.equal(toOpenApiPath("/codes/:code{[0-9]{3}}/x"), "/codes/{code}/x");
    assert.equal(toOpenApiPath("/users/:id/roles/:role"), "/users/{id}/roles/{role}");
  });

  await t.step("a synthetic app: documented, plain, catch-all and phantom routes", () => {
    const sub = new OpenAPIHono();
    sub.use("*", async (_c, next) => await next());
    sub.openapi(
      createRoute({
        method: "get",
        path: "/things/{id}",
        request: { params: z.object({ id: z.string() }) },
        responses: { 200: { description: "A thing" } },
      }),
      (c) => c.text("thing", 200),
    );
    // Served with plain Hono handlers, so never in the registry: the walk must catch these.
    sub.get("/plain/:key{.+}", (c) => c.text("plain"));
    sub.all("/anything", (c) => c.text("any"));
    const app = new OpenAPIHono();
    app.use("*", async (_c, next) => await next());
    app.route("/v1", sub);
    app.get("/doc.json", (c) => c.text("{}"));
    app.openAPIRegistry.registerPath({
      method: "post",
      path: "/ghost",
      responses: { 201: { description: "Never served" } },
    });
    const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "0" } });

    const served = servedOperations(app.routes);
    assert.deepEqual([...served.keys()].sort(), [
      "ALL /v1/anything",
      "GET /doc.json",
      "GET /v1/plain/{key}",
      "GET /v1/things/{id}",
    ]);
    const { undocumented, phantom } = compareOperations(
      served,
      documentedOperations(doc as OpenApiDoc),
      { "GET /doc.json": "the document itself" },
    );
    assert.deepEqual(undocumented, ["ALL /v1/anything", "GET /v1/plain/{key}"]);
    assert.deepEqual(phantom, ["POST /ghost"]);
  });

  await t.step("declaration gaps by permission", () => {
    const ok = { 200: {} };
    const bearer = [{ bearer: [] }];
    assert.deepEqual(declarationGaps({ responses: ok }, "public"), []);
    const problem = { content: { "application/problem+json": { schema: {} } } };
    assert.deepEqual(declarationGaps({ responses: { 404: problem } }, "public"), [
      "no 2xx response",
    ]);
    assert.deepEqual(
      declarationGaps({ responses: { ...ok, 409: { description: "x" }, 422: problem } }, "public"),
      ["409 does not declare application/problem+json"],
    );
    assert.deepEqual(declarationGaps({ responses: ok, security: bearer }, "public"), [
      "public but declares bearer security",
    ]);
    assert.deepEqual(
      declarationGaps({ responses: { ...ok, 401: problem }, security: bearer }, "user"),
      [],
    );
    assert.deepEqual(declarationGaps({ responses: ok }, ["companies", "read"]), [
      'security is undefined, not [{"bearer":[]}]',
      "no 401 response",
      "no 403 response",
    ]);
  });
});

apiTest("/openapi.json documents every served route and nothing else", async (t, api) => {
  const res = await api.request("GET", "/openapi.json");
  assert.equal(res.status, 200);
  const doc = await json<OpenApiDoc>(res);
  const served = servedOperations(api.app.routes);
  const documented = documentedOperations(doc);

  await t.step("the walk is not vacuous", () => {
    // One route of each kind of router: generated CRM, hand-written, and plain signed-URL.
    for (
      const op of [
        "GET /api/v1/companies/{id}",
        "POST /api/v1/auth/login",
        "PUT /api/v1/objects/signed/{bucket}/{key}",
      ]
    ) assert.ok(served.has(op) && documented.has(op), op);
    assert.ok(served.size > 100, `only ${served.size} routes served`);
  });

  await t.step("every exclusion is a served route, kept out of the document", () => {
    const keys = new Set(served.values());
    for (const [route, why] of Object.entries(NOT_DOCUMENTED)) {
      assert.ok(keys.has(route), `excluded ${route} (${why}) is not served: drop the exclusion`);
      const [method, path] = route.split(" ");
      const op = `${method} ${toOpenApiPath(path)}`;
      assert.ok(!documented.has(op), `${route} is documented after all: drop the exclusion`);
    }
  });

  await t.step("served and documented operations match", () => {
    const { undocumented, phantom } = compareOperations(served, documented, NOT_DOCUMENTED);
    assert.deepEqual(undocumented, [], `served but not in /openapi.json: ${undocumented}`);
    assert.deepEqual(phantom, [], `in /openapi.json but not served: ${phantom}`);
  });

  await t.step("the bearer scheme is the JWT one", () => {
    assert.deepEqual(doc.components?.securitySchemes?.bearer, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "JWT",
    });
  });

  await t.step("each operation declares success, and how a guarded one is refused", () => {
    const gaps: string[] = [];
    for (const [op, honoKey] of served) {
      const declared = documented.get(op);
      if (!declared) continue; // excluded; the step above checked the rest
      for (const gap of declarationGaps(declared, api.app.permissions[honoKey])) {
        const status = gap.match(/^(\d{3}) does not declare/)?.[1];
        if (status && `${op} ${status}` in NOT_PROBLEMS) continue;
        gaps.push(`${op}: ${gap}`);
      }
    }
    assert.deepEqual(gaps, []);
  });
});
