import assert from "node:assert/strict";
import { type Context, Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { cors } from "./cors.ts";
import { securityHeaders } from "./security_headers.ts";
import { cors as honoCors } from "hono/cors";

const headersOf = (res: Response) => [...res.headers].sort(([a], [b]) => a.localeCompare(b));

Deno.test("security headers and CORS answer as hono's middleware does", async (t) => {
  await t.step("securityHeaders sets exactly what secureHeaders() sets", async () => {
    const handler = (c: Context) =>
      c.json({}, 200, { "X-Powered-By": "x", "X-Frame-Options": "y" });
    const ours = new Hono().use(securityHeaders()).get("/", handler);
    const theirs = new Hono().use(secureHeaders()).get("/", handler);
    assert.deepEqual(headersOf(await ours.request("/")), headersOf(await theirs.request("/")));
  });

  const options = {
    origin: ["https://ok.example"],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["X-Request-Id", "ETag"],
    maxAge: 600,
  };
  const build = (mw: ReturnType<typeof cors>) =>
    new Hono().use(mw).get("/", (c) => c.json({}, 201, { ETag: '"1"' })).get("/boom", () => {
      throw new Error("boom");
    }).onError((_e, c) => c.json({ error: true }, 500));
  const ours = build(cors(options));
  const theirs = build(honoCors({ ...options, origin: [...options.origin] }));
  const asks: [string, RequestInit][] = [
    ["/", {}],
    ["/", { headers: { Origin: "https://ok.example" } }],
    ["/", { headers: { Origin: "https://evil.example" } }],
    ["/boom", { headers: { Origin: "https://ok.example" } }],
    ["/", {
      method: "OPTIONS",
      headers: { Origin: "https://ok.example", "Access-Control-Request-Method": "POST" },
    }],
  ];
  for (const [path, init] of asks) {
    await t.step(
      `${init.method ?? "GET"} ${path} ${JSON.stringify(init.headers ?? {})}`,
      async () => {
        const a = await ours.request(path, init);
        const b = await theirs.request(path, init);
        assert.equal(a.status, b.status);
        assert.deepEqual(headersOf(a), headersOf(b));
      },
    );
  }
});
