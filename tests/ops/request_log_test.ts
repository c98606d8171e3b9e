/**
 * api_request_logs on both profiles: with the sample at 1 every request lands in the documents
 * store, with a 30-day TTL index, its path without the query string, and no token anywhere.
 *
 * @module
 */
import assert from "node:assert/strict";
import { REQUEST_LOGS } from "../../src/ops/request_log.ts";
import { apiTest, createUser } from "../support/api.ts";

apiTest("api_request_logs: sampled requests, never a token", async (t, api) => {
  const user = await createUser(api, { roles: ["admin"] });
  const marker = crypto.randomUUID();
  const res = await api.request("GET", `/api/v1/admin/backups?token=${marker}`, {
    token: user.token,
    headers: { "X-Request-Id": marker },
  });
  await res.body?.cancel();
  const logs = api.stores.documents.collection(REQUEST_LOGS);

  await t.step("the request is logged with its id and user, no query string or token", async () => {
    let doc = null;
    for (let i = 0; i < 100 && !doc; i++) {
      doc = await logs.findOne({ request_id: marker });
      if (!doc) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(doc, "logged");
    assert.equal(doc.path, "/api/v1/admin/backups");
    assert.equal(doc.method, "GET");
    assert.equal(doc.user_id, user.id);
    assert.ok(doc.timestamp instanceof Date);
    const text = JSON.stringify(doc);
    assert.ok(!text.includes(user.token) && !text.includes(`token=${marker}`));
  });
}, { REQUEST_LOG_SAMPLE: "1" });
