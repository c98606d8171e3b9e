import assert from "node:assert/strict";
import { scrub } from "./record.ts";

Deno.test("scrub hides secrets and keeps business figures", () => {
  const out = scrub({
    password: "p",
    password_hash: "h",
    token_hash: "t",
    refresh_token: "r",
    access_token: "a",
    token: "x",
    api_key: "k",
    client_secret: "s",
    daily_token_limit: 1000,
    total_tokens_used: 5,
    email: "a@b.c",
  });
  assert.deepEqual(out, {
    password: "[redacted]",
    password_hash: "[redacted]",
    token_hash: "[redacted]",
    refresh_token: "[redacted]",
    access_token: "[redacted]",
    token: "[redacted]",
    api_key: "[redacted]",
    client_secret: "[redacted]",
    daily_token_limit: 1000,
    total_tokens_used: 5,
    email: "a@b.c",
  });
  assert.equal(scrub(null), null);
});
