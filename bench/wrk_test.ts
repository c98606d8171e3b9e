// The load generator's parts: parsing the driver's JSON line, and the Lua driver itself run by
// the real wrk against a small server that refuses stale If-Match tags and repeated {seq}s.
import assert from "node:assert/strict";
import { parseWrkOutput, runWrk, WRK } from "./wrk.ts";

const line = (o: Record<string, unknown>) =>
  `Running 1s test\nBENCH_JSON ${
    JSON.stringify({
      requests: 1000,
      duration_us: 2_000_000,
      bytes: 1,
      p50_us: 1500,
      p90_us: 2500,
      p99_us: 4000,
      max_us: 9000,
      mean_us: 1600.5,
      socket_errors: { connect: 1, read: 2, write: 0, timeout: 3 },
      non_2xx_3xx: 0,
      lost_rows: 0,
      statuses: { "200": 990, "429": 4, "500": 5, "304": 1 },
      ...o,
    })
  }\n`;

Deno.test("parseWrkOutput", async (t) => {
  await t.step("rates and milliseconds from the driver's microseconds", () => {
    const r = parseWrkOutput(line({}));
    assert.equal(r.rps, 500);
    assert.equal(r.p50Ms, 1.5);
    assert.equal(r.p99Ms, 4);
    assert.equal(r.maxMs, 9);
  });
  await t.step("errors are non-2xx except 429, plus socket errors; 429 counted apart", () => {
    const r = parseWrkOutput(line({}));
    assert.equal(r.throttled, 4);
    // 5 x 500, 1 x 304, and 1 + 2 + 3 socket errors
    assert.equal(r.errors, 12);
  });
  await t.step("no JSON line is an error, not zeros", () => {
    assert.throws(() => parseWrkOutput("Running 1s test\n"), /no BENCH_JSON/);
  });
});

/** A resource server: PATCH /r/<id> needs the row's current tag; POST /c refuses a repeated seq. */
function resourceServer() {
  const tags = new Map<string, number>();
  const seen = new Set<string>();
  let conflicts = 0;
  let stale = 0;
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    if (req.method === "PATCH" && url.pathname.startsWith("/r/")) {
      const id = url.pathname.slice(3);
      await req.text();
      const v = tags.get(id) ?? 0;
      if (req.headers.get("If-Match") !== `"${v}"`) {
        stale++;
        return new Response("stale", { status: 412 });
      }
      tags.set(id, v + 1);
      return Response.json({ id, v: v + 1 }, { headers: { ETag: `"${v + 1}"` } });
    }
    if (req.method === "POST" && url.pathname === "/c") {
      const { name } = await req.json() as { name: string };
      if (seen.has(name)) {
        conflicts++;
        return new Response("dup", { status: 409 });
      }
      seen.add(name);
      return Response.json({ ok: true }, { status: 201 });
    }
    return new Response("no", { status: 404 });
  });
  return {
    url: `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`,
    stats: () => ({ conflicts, stale, created: seen.size }),
    stop: () => server.shutdown(),
  };
}

const hasWrk = await Deno.stat(WRK).then(() => true, () => false);
const inCI = Deno.env.get("CI") === "true";

if (!hasWrk && inCI) {
  Deno.test("wrk driver.lua against a live server", () => {
    throw new Error(`CI needs ${WRK}: .ci/run installs Debian's wrk`);
  });
}
Deno.test({
  name: `wrk driver.lua against a live server${hasWrk ? "" : " (skipped: /usr/bin/wrk missing)"}`,
  ignore: !hasWrk,
  async fn(t) {
    const srv = resourceServer();
    const workDir = await Deno.makeTempDir();
    try {
      await t.step("If-Match rows: each request carries the row's latest tag", async () => {
        const ids = Array.from({ length: 64 }, (_, i) => `0000-${i.toString(16).padStart(4, "0")}`);
        const r = await runWrk(srv.url, {
          tokens: ["t1", "t2"],
          etagRows: ids.map((id) => ({
            method: "PATCH",
            path: `/r/${id}`,
            etag: '"0"',
            body: "{}",
          })),
        }, { connections: 8, durationS: 1, workDir });
        assert.ok(r.requests > 50, `only ${r.requests} requests`);
        assert.equal(srv.stats().stale, 0);
        assert.equal(r.lostRows, 0);
        assert.deepEqual(Object.keys(r.statuses), ["200"]);
      });
      await t.step("{run}{seq} never repeats, within a run or across runs", async () => {
        const plan = {
          requests: [{ method: "POST", path: "/c", body: '{"name":"n-{run}-{seq}"}' }],
        };
        const a = await runWrk(srv.url, plan, { connections: 4, durationS: 1, workDir });
        await new Promise((r) => setTimeout(r, 5));
        const b = await runWrk(srv.url, plan, { connections: 4, durationS: 1, workDir });
        assert.equal(srv.stats().conflicts, 0);
        // The server also finishes requests still in flight when wrk stops, which wrk never counts.
        assert.ok(a.statuses["201"] + b.statuses["201"] <= srv.stats().created);
        assert.equal(a.errors + b.errors, 0);
      });
    } finally {
      await srv.stop();
      await Deno.remove(workDir, { recursive: true });
    }
  },
});
