/**
 * The ops CLI over the embedded stores: health, shell hints, a backup run and its verify, log
 * filtering, and a forced restore that refuses an id typed back wrong.
 *
 * @module
 */
import assert from "node:assert/strict";
import { AppError } from "../../src/errors.ts";
import { type CliIo, runOpsCli } from "../../src/ops/cli.ts";
import { openTestApi } from "../support/api.ts";

function captureIo(typed: string | null = null, logLines: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    readLine: () => Promise.resolve(typed),
    lines: async function* () {
      yield* logLines;
    },
  };
  return { io, out, err };
}

Deno.test({
  name: "ops CLI [embedded]",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const api = await openTestApi("embedded");
    const ctx = {
      stores: api.stores,
      config: api.app.deps.config,
      log: api.app.deps.log,
      now: Date.now,
    };
    try {
      await t.step("health: one line per store, exit 0", async () => {
        const c = captureIo();
        assert.equal(await runOpsCli(ctx, ["health"], c.io), 0);
        assert.equal(c.out.length, 5);
        assert.match(c.out[0], /^relational\s+up\s+pglite/);
      });
      await t.step("shell hints name no secret", async () => {
        const c = captureIo();
        assert.equal(await runOpsCli(ctx, ["shell"], c.io), 0);
        assert.equal(c.out.length, 5);
        assert.ok(!c.out.join("\n").includes("test-secret"));
      });
      let id = "";
      await t.step("backup then verify", async () => {
        const c = captureIo();
        assert.equal(await runOpsCli(ctx, ["backup"], c.io), 0, c.err.join("\n"));
        const m = c.out[0].match(/^backup (\S+) succeeded/);
        assert.ok(m, c.out[0]);
        id = m[1];
        const v = captureIo();
        assert.equal(await runOpsCli(ctx, ["verify", id], v.io), 0);
        assert.match(v.out[0], /verifies/);
      });
      await t.step("restore --force refuses an id typed back wrong", async () => {
        const c = captureIo("not-the-id");
        await assert.rejects(
          runOpsCli(ctx, ["restore", id, "--force"], c.io),
          (e) => e instanceof AppError && e.status === 422,
        );
      });
      await t.step("logs: level and text filters", async () => {
        const lines = [
          JSON.stringify({ level: "info", msg: "request", path: "/a" }),
          JSON.stringify({ level: "warn", msg: "slow", path: "/b" }),
          "not json",
          JSON.stringify({ level: "error", msg: "boom", path: "/b" }),
        ];
        const c = captureIo(null, lines);
        assert.equal(await runOpsCli(ctx, ["logs", "--level", "warn", "--grep", "/b"], c.io), 0);
        assert.deepEqual(c.out.map((l) => JSON.parse(l).msg), ["slow", "boom"]);
      });
      await t.step("unknown command: usage, exit 2", async () => {
        const c = captureIo();
        assert.equal(await runOpsCli(ctx, ["nope"], c.io), 2);
        assert.match(c.err[0], /^usage/);
      });
    } finally {
      await api.close();
    }
  },
});
