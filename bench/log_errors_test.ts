import assert from "node:assert/strict";
import { errorLines } from "./log_errors.ts";

Deno.test("errorLines counts error lines across chunk edges and keeps the first", async () => {
  const path = await Deno.makeTempFile();
  try {
    const info = `${JSON.stringify({ level: "info", msg: "request", pad: "x".repeat(300) })}\n`;
    const error = (n: number) => `${JSON.stringify({ level: "error", msg: `boom ${n}` })}\n`;
    // Far more than one stream chunk (64 KiB), with error lines landing across chunk edges.
    let text = "";
    for (let i = 0; i < 2_000; i++) text += i % 97 === 5 ? error(i) : info;
    text += error(9_999).trimEnd(); // the last line has no newline
    await Deno.writeTextFile(path, text);
    const r = await errorLines(path);
    assert.equal(r.count, 21 + 1);
    assert.match(r.first, /boom 5"/);
    await Deno.writeTextFile(path, "");
    assert.deepEqual(await errorLines(path), { count: 0, first: "" });
  } finally {
    await Deno.remove(path);
  }
});
