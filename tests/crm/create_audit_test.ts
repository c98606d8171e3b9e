// Creates that write the row and its audit row in one statement (companies, pipeline stages) on
// both profiles: the audit row reads exactly as the transaction path writes it (new_values is the
// row as the API returns it, timestamps to the millisecond in UTC), and a refused create leaves no
// audit row.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";
import { auditCount } from "./fixtures.ts";

type Row = Record<string, unknown>;

apiTest("crm: one-statement creates keep the audit trail", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const seller = await createUser(api, { roles: ["comercial"] });

  async function auditOf(id: string): Promise<Row[]> {
    const res = await api.request("GET", `/api/v1/audit-logs?resource_id=${id}`, {
      token: admin.token,
    });
    assert.equal(res.status, 200);
    return (await json<{ items: Row[] }>(res)).items;
  }

  await t.step("company: audit row names the caller and holds the row as returned", async () => {
    const res = await api.request("POST", "/api/v1/companies", {
      token: seller.token,
      body: { name: "Audit Uno Ltda", cnpj: String(Date.now()).slice(-14), size: "micro" },
      headers: { "X-Request-Id": "create-audit-0001", "User-Agent": "create-test/1.0" },
    });
    assert.equal(res.status, 201);
    const row = await json(res);
    assert.equal(row.created_by, seller.id);
    const [entry, ...rest] = await auditOf(String(row.id));
    assert.equal(rest.length, 0);
    assert.equal(entry.action, "create");
    assert.equal(entry.resource_type, "companies");
    assert.equal(entry.resource_id, row.id);
    assert.equal(entry.user_id, seller.id);
    assert.equal(entry.agent_id, null);
    assert.equal(entry.request_id, "create-audit-0001");
    assert.equal(entry.user_agent, "create-test/1.0");
    assert.equal(entry.old_values, null);
    assert.deepEqual(entry.new_values, row);
    assert.match(
      String((entry.new_values as Row).created_at),
      /^\d{4}-\d\d-\d\dT[\d:]{8}\.\d{3}Z$/,
    );
  });

  await t.step(
    "pipeline stage: audited; a taken slug is 409 and leaves no audit row",
    async () => {
      const slug = `audit-stage-${crypto.randomUUID().slice(0, 8)}`;
      const body = { name: "Audit stage", slug, sort_order: 90, probability: 40 };
      const res = await api.request("POST", "/api/v1/pipeline-stages", {
        token: seller.token,
        body,
      });
      assert.equal(res.status, 201);
      const row = await json(res);
      const [entry] = await auditOf(String(row.id));
      assert.deepEqual(entry.new_values, row);
      assert.equal(entry.user_id, seller.id);

      const n = await api.stores.relational.query<{ n: number }>(
        "select count(*)::int as n from audit_logs where resource_type = 'pipeline_stages'",
      );
      const dup = await api.request("POST", "/api/v1/pipeline-stages", {
        token: seller.token,
        body: { ...body, name: "Audit stage again" },
      });
      assert.equal(dup.status, 409);
      const m = await api.stores.relational.query<{ n: number }>(
        "select count(*)::int as n from audit_logs where resource_type = 'pipeline_stages'",
      );
      assert.equal(m.rows[0].n, n.rows[0].n);
      assert.equal(await auditCount(api, String(row.id)), 1);
    },
  );
});
