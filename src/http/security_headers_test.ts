import assert from "node:assert/strict";
import { type Context, Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { cors as honoCors } from "hono/cors";
import { answerHeaders } from "./answer_headers.ts";
import { API_CSP } from "./csp.ts";
import { API_SECURITY_HEADERS, SECURITY_HEADERS } from "./security_headers.ts";

const headersOf = (res: Response) => [...res.headers].sort(([a], [b]) => a.localeCompare(b));
const lower = (list: readonly (readonly [string, string])[]) =>
  list.map(([k, v]) => [k.toLowerCase(), v]);

Deno.test("answer headers: security headers by kind of answer, CORS as hono's", async (t) => {
  const options = {
    origin: ["https://ok.example"],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["X-Request-Id", "ETag"],
    maxAge: 600,
  };
  const ours = new Hono().use(answerHeaders({ cors: options, pages: [] }));

  await t.step("SECURITY_HEADERS is exactly what secureHeaders() sets", async () => {
    const handler = (c: Context) => c.text("x", 200, { "X-Powered-By": "x" });
    const theirs = new Hono().use(secureHeaders()).get("/", handler);
    const res = await theirs.request("/");
    const set = headersOf(res).filter(([k]) => !["content-type"].includes(k));
    assert.deepEqual(set, lower(SECURITY_HEADERS).sort(([a], [b]) => a.localeCompare(b)));
  });

  const app = ours
    .get("/json", (c) => c.json({ ok: true }, 200, { "X-Powered-By": "x" }))
    .get("/problem", (c) => c.body("{}", 400, { "Content-Type": "application/problem+json" }))
    .get("/empty", (c) => c.body(null, 204))
    .get("/file", (c) => c.body("<h1>hi</h1>", 200, { "Content-Type": "text/html" }));

  const security = (res: Response) =>
    headersOf(res).filter(([k]) => lower(SECURITY_HEADERS).some(([name]) => name === k));

  for (const path of ["/json", "/problem", "/empty"]) {
    await t.step(`${path}: the API set and the API CSP, nothing a document needs`, async () => {
      const res = await app.request(path);
      assert.deepEqual(security(res), lower(API_SECURITY_HEADERS).sort());
      assert.equal(res.headers.get("Content-Security-Policy"), API_CSP);
      assert.equal(res.headers.get("X-Powered-By"), null);
      assert.equal(res.headers.get("Vary"), "Origin");
    });
  }

  await t.step("a document (HTML, a file) gets the whole secureHeaders() set", async () => {
    const res = await app.request("/file");
    assert.deepEqual(security(res), lower(SECURITY_HEADERS).sort());
    assert.equal(res.headers.get("Content-Security-Policy"), API_CSP);
  });

  const cors = (a: Response) =>
    headersOf(a).filter(([k]) => k.startsWith("access-control-") || k === "vary");
  const theirs = new Hono().use(honoCors({ ...options, origin: [...options.origin] }))
    .get("/json", (c) => c.json({ ok: true }));
  const asks: [string, RequestInit][] = [
    ["/json", { headers: { Origin: "https://ok.example" } }],
    ["/json", {
      method: "OPTIONS",
      headers: { Origin: "https://ok.example", "Access-Control-Request-Method": "POST" },
    }],
  ];
  for (const [path, init] of asks) {
    await t.step(
      `CORS as hono's: ${init.method ?? "GET"} ${JSON.stringify(init.headers)}`,
      async () => {
        const a = await app.request(path, init);
        const b = await theirs.request(path, init);
        assert.equal(a.status, b.status);
        assert.deepEqual(cors(a), cors(b));
      },
    );
  }

  for (const origin of [undefined, "https://evil.example"]) {
    await t.step(`no CORS grant without an allowed origin (${origin ?? "none"})`, async () => {
      const res = await app.request("/json", origin ? { headers: { Origin: origin } } : {});
      assert.deepEqual(cors(res), [["vary", "Origin"]]);
    });
  }
});
