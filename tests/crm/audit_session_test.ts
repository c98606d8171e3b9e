// Audit rows name the caller's session: a change made with a signed-in access token records the
// refresh-token family it was issued with, so an auditor can tie changes to one device's sign-in.
import assert from "node:assert/strict";
import { apiTest, json } from "../support/api.ts";
import { login, PASSWORD, register } from "../auth/helpers.ts";

apiTest("audit: a change records the caller's session id", async (t, api) => {
  const db = api.stores.relational;
  const user = await register(api);
  await db.query(
    `insert into user_roles (user_id, role_id) select $1, id from roles where name = 'comercial'`,
    [user.id],
  );
  const pair = await login(api, user.email, PASSWORD);
  const sessions = await json<{ items: { id: string; current: boolean }[] }>(
    await api.request("GET", "/api/v1/auth/sessions", { token: pair.access_token }),
  );
  const session = sessions.items.find((s) => s.current)!.id;

  await t.step("a CRM create carries the session of its token", async () => {
    const res = await api.request("POST", "/api/v1/companies", {
      token: pair.access_token,
      body: { name: `Session Co ${crypto.randomUUID().slice(0, 8)}` },
    });
    const company = await json<{ id: string }>(res);
    assert.equal(res.status, 201, JSON.stringify(company));
    const r = await db.query<{ session_id: string | null; user_id: string }>(
      "select session_id, user_id from audit_logs where resource_id = $1 and action = 'create'",
      [company.id],
    );
    assert.deepEqual(r.rows, [{ session_id: session, user_id: user.id }]);
  });
});
