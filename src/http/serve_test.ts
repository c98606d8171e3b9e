import assert from "node:assert/strict";
import { serve } from "./serve.ts";

Deno.test("serve: stop() answers the requests in flight, then refuses new connections", async () => {
  let started = 0;
  const served = serve(async (req) => {
    started++;
    await new Promise((r) => setTimeout(r, 300));
    return new Response(`done ${new URL(req.url).pathname}`);
  }, { port: 0, hostname: "127.0.0.1", onListen: () => {} });
  const url = `http://127.0.0.1:${served.addr.port}`;
  const inFlight = ["/a", "/b", "/c"].map((p) => fetch(url + p).then((r) => r.text()));
  while (started < 3) await new Promise((r) => setTimeout(r, 10));

  const stopped = served.stop();
  assert.equal(served.stop(), stopped, "a second stop is the same stop");
  assert.deepEqual(await Promise.all(inFlight), ["done /a", "done /b", "done /c"]);
  await served.finished;
  await assert.rejects(fetch(url + "/late"));
});
