import assert from "node:assert/strict";
import { Hono } from "hono";
import { clientIp } from "./client_ip.ts";

function ipOf(headers: Record<string, string>, trustProxy: boolean, socket?: string) {
  const app = new Hono();
  app.get("/", (c) => c.text(String(clientIp(c, trustProxy))));
  const env = socket ? { remoteAddr: { hostname: socket } } : undefined;
  return Promise.resolve(app.request("/", { headers }, env)).then((r) => r.text());
}

Deno.test("clientIp", async (t) => {
  await t.step(
    "the socket address when no proxy is trusted, whatever the headers say",
    async () => {
      assert.equal(await ipOf({ "X-Forwarded-For": "6.6.6.6" }, false, "10.0.0.9"), "10.0.0.9");
    },
  );
  await t.step("behind a trusted proxy, the right-most entry (the proxy's own)", async () => {
    assert.equal(
      await ipOf({ "X-Forwarded-For": "6.6.6.6, 203.0.113.7" }, true, "10.0.0.1"),
      "203.0.113.7",
    );
  });
  await t.step("an entry that is not an IP falls back to the socket", async () => {
    assert.equal(await ipOf({ "X-Forwarded-For": "999.1.1.1" }, true, "10.0.0.1"), "10.0.0.1");
    assert.equal(await ipOf({ "X-Forwarded-For": "<script>" }, true), "null");
  });
  await t.step("unknown when there is no socket (app.request)", async () => {
    assert.equal(await ipOf({}, false), "null");
  });
});
