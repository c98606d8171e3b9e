import assert from "node:assert/strict";
import { createLogger, redact } from "./log.ts";

Deno.test("logger", async (t) => {
  await t.step("writes one JSON object per line at or above the level", () => {
    const lines: string[] = [];
    const log = createLogger("info", (l) => lines.push(l));
    log.debug("hidden");
    log.info("shown", { port: 8000 });
    log.error("bad");
    assert.equal(lines.length, 2);
    const first = JSON.parse(lines[0]);
    assert.equal(first.level, "info");
    assert.equal(first.msg, "shown");
    assert.equal(first.port, 8000);
    assert.match(first.time, /^\d{4}-\d\d-\d\dT/);
  });

  await t.step("secret-looking fields are redacted at any depth", () => {
    assert.deepEqual(
      redact({ password: "p", nested: { access_token: "t", ok: 1 }, list: [{ secret: "s" }] }),
      {
        password: "[redacted]",
        nested: { access_token: "[redacted]", ok: 1 },
        list: [{
          secret: "[redacted]",
        }],
      },
    );
  });
});

Deno.test("bufferedStdout writes every line, in order, on flush", async () => {
  const script = `
    import { bufferedStdout } from "${new URL("./log.ts", import.meta.url).href}";
    const sink = bufferedStdout(1000, 64);
    for (let i = 0; i < 50; i++) sink.write("line " + i);
    await sink.flush();
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", script],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  const lines = new TextDecoder().decode(out.stdout).trimEnd().split("\n");
  assert.deepEqual(lines, Array.from({ length: 50 }, (_, i) => `line ${i}`));
});

Deno.test("logger fast paths write the same lines", async (t) => {
  await t.step("a line is the JSON of time, level, msg and the fields, in that order", () => {
    const lines: string[] = [];
    const log = createLogger("info", (l) => lines.push(l));
    log.info("plain");
    log.warn("with fields", { a: 1, b: 'x"y', nested: { token: "t" } });
    const [plain, fields] = lines.map((l) => JSON.parse(l));
    assert.deepEqual(Object.keys(plain), ["time", "level", "msg"]);
    assert.deepEqual(JSON.parse(lines[1]), {
      time: fields.time,
      level: "warn",
      msg: "with fields",
      a: 1,
      b: 'x"y',
      nested: { token: "[redacted]" },
    });
  });

  await t.step("trusted lines skip redaction but keep the level filter", () => {
    const lines: string[] = [];
    const log = createLogger("warn", (l) => lines.push(l));
    assert.equal(log.enabled?.("info"), false);
    assert.equal(log.enabled?.("error"), true);
    log.trusted?.("info", "dropped", { a: 1 });
    log.trusted?.("error", "kept", { path: "/x", user_id: undefined });
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]);
    assert.equal(line.msg, "kept");
    assert.equal(line.path, "/x");
    assert.equal("user_id" in line, false);
    log.trusted?.("warn", "as text", '{"a":1,"b":"x"}');
    assert.deepEqual({ ...JSON.parse(lines[1]), time: 0 }, {
      time: 0,
      level: "warn",
      msg: "as text",
      a: 1,
      b: "x",
    });
  });
});
