import assert from "node:assert/strict";
import { createTokenService } from "./tokens.ts";

Deno.test("a remembered access token is still held to its expiry and its exact text", async (t) => {
  let nowMs = Date.UTC(2026, 0, 1);
  const tokens = createTokenService("memo-test-secret-0123456789-0123456789", {
    ttlSeconds: 60,
    now: () => nowMs,
  });
  const { token, claims } = await tokens.signAccess("u-1", { sessionId: "s-1" });

  await t.step("verified twice, the same claims both times", () => {
    assert.deepEqual(tokens.verifyAccessSync?.(token), claims);
    assert.deepEqual(tokens.verifyAccessSync?.(token), claims);
  });

  await t.step("a caller changing the returned claims does not change the memo", async () => {
    const first = (await tokens.verifyAccess(token))!;
    first.sub = "someone-else";
    assert.equal((await tokens.verifyAccess(token))?.sub, "u-1");
  });

  await t.step("a tampered copy of a remembered token is refused", () => {
    const [h, p, s] = token.split(".");
    const flipped = `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`;
    assert.equal(tokens.verifyAccessSync?.(flipped), null);
  });

  await t.step("once the clock reaches exp, the remembered token is refused", () => {
    nowMs += 59_000;
    assert.notEqual(tokens.verifyAccessSync?.(token), null);
    nowMs += 1_000;
    assert.equal(tokens.verifyAccessSync?.(token), null);
  });
});
