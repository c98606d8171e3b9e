// Which access tokens an account state accepts, and that a memo hit costs no query.
import assert from "node:assert/strict";
import type { RelationalStore } from "../../stores/relational/port.ts";
import { accepts, AccountMemo, accountState } from "./account_state.ts";
import { toProfile } from "./accounts.ts";

const profileRow = {
  id: "u",
  email: "u@example.test",
  full_name: "U",
  phone: null,
  avatar_url: null,
  is_active: true,
  is_verified: false,
  last_login_at: null,
  created_at: new Date(0),
  updated_at: new Date(0),
};

Deno.test("account state: the cut-off, revocations and an unusable account refuse", () => {
  const profile = toProfile(profileRow);
  const state = { profile, tokensValidAfter: 1_700_000_000_000, revoked: new Set(["gone"]) };
  assert.equal(accepts(state, "live", 1_700_000_000), true, "issued in the cut-off's second");
  assert.equal(accepts(state, "live", 1_699_999_999), false, "issued before the cut-off");
  assert.equal(accepts(state, "gone", 1_700_000_001), false, "revoked");
  assert.equal(accepts({ profile, tokensValidAfter: null, revoked: new Set() }, "x", 1), true);
  assert.equal(accepts(null, "x", 1_800_000_000), false, "inactive, deleted or absent");
});

Deno.test("account state: read once while the memo is live, every time while it is not", async () => {
  let queries = 0;
  const db = {
    query: () => {
      queries++;
      return Promise.resolve({
        rows: [{ ...profileRow, tokens_valid_after: new Date(5000), revoked: ["j1"] }],
        rowCount: 1,
      });
    },
  } as unknown as RelationalStore;
  const memo = new AccountMemo();
  const want = { profile: toProfile(profileRow), tokensValidAfter: 5000, revoked: new Set(["j1"]) };
  assert.deepEqual(await accountState({ db, memo }, "u"), want);
  assert.deepEqual(await accountState({ db, memo }, "u"), want);
  assert.equal(queries, 2, "the memo was used while off");
  memo.enable();
  await accountState({ db, memo }, "u");
  assert.deepEqual(await accountState({ db, memo }, "u"), want);
  assert.equal(queries, 3);
  memo.drop("u");
  await accountState({ db, memo }, "u");
  assert.equal(queries, 4);
});
