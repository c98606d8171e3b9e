// One name per distinct text: pg refuses a name reused with another text, and a name per call
// would prepare every call.
import assert from "node:assert/strict";
import { statementName } from "./statement_name.ts";

Deno.test("statement names: stable per text, distinct across texts", () => {
  const a = statementName("crm_find", "select 1 where $1::int = 1");
  assert.equal(a, statementName("crm_find", "select 1 where $1::int = 1"));
  assert.match(a ?? "", /^crm_find_[0-9a-f]{16}$/);
  assert.notEqual(a, statementName("crm_find", "select 2 where $1::int = 1"));
});
