// Query strings outside the CRM engine are strict too, on both profiles: an unknown parameter on
// /users, /dashboards, /dashboards/{id}/metrics, /agents/{id}/logs and /reports/* is a 422
// problem+json naming it, exactly as a CRM list answers one, and a valid query still works.
import assert from "node:assert/strict";
import { apiTest, createUser, json } from "../support/api.ts";

type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { path: string; message: string }[];
};

/** The parts of a problem that do not vary per request (request_id and instance do). */
const stable = (p: Problem) => ({
  type: p.type,
  title: p.title,
  status: p.status,
  detail: p.detail,
  errors: p.errors,
});

apiTest("strict query strings: unknown parameters are refused with 422", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const get = (path: string) => api.request("GET", path, { token: admin.token });
  const dashboard = await json<{ id: string }>(
    await api.request("POST", "/api/v1/dashboards", { token: admin.token, body: { name: "q" } }),
  );
  const u = crypto.randomUUID();
  const agent = await api.stores.relational.query<{ id: string }>(
    `insert into agents (name, slug, crew, model_primary) values ($1, $2, 'q', 'm') returning id`,
    [`Query ${u}`, `query-${u}`],
  );
  const agentId = agent.rows[0].id;

  // What the CRM engine answers for an unknown key, with the parameter's name substituted.
  const crm = await get("/api/v1/companies?bogus=1");
  assert.equal(crm.status, 422);
  const reference = stable(await json<Problem>(crm));
  assert.deepEqual(reference.errors, [{ path: "bogus", message: "unknown field" }]);
  const expected = (param: string) => ({
    ...reference,
    errors: [{ path: param, message: "unknown field" }],
  });

  // [route, a valid query, the unknown parameter to add]
  const cases: [string, string, string][] = [
    ["/api/v1/users", "limit=5&role=admin", "page"],
    ["/api/v1/dashboards", "limit=5", "offset"],
    [`/api/v1/dashboards/${dashboard.id}/metrics`, "period=7d", "periodo"],
    [`/api/v1/agents/${agentId}/logs`, "limit=5&level=info", "agent_id"],
    ["/api/v1/reports/pipeline", "", "stage"],
    ["/api/v1/reports/revenue/monthly", "from=2026-01-01&to=2026-03-31", "status"],
    ["/api/v1/reports/agents/costs", "date=2026-01-15", "agent"],
  ];
  const head = async (res: Response) => (await res.clone().text()).slice(0, 300);
  for (const [route, valid, unknown] of cases) {
    const name = `${route.replace(/[0-9a-f-]{36}/g, "{id}")}?${unknown}=`;
    await t.step({
      name,
      fn: async () => {
        const ok = await get(valid ? `${route}?${valid}` : route);
        assert.equal(ok.status, 200, `${route}?${valid}: ${await head(ok)}`);
        await ok.body?.cancel();

        const sep = valid ? "&" : "";
        const res = await get(`${route}?${valid}${sep}${unknown}=1`);
        assert.equal(res.status, 422, `${route}: ${await head(res)}`);
        assert.equal(res.headers.get("Content-Type"), "application/problem+json");
        assert.deepEqual(stable(await json<Problem>(res)), expected(unknown));

        // Two unknown parameters are both named, each with its own path.
        const two = await get(`${route}?${valid}${sep}${unknown}=1&zz_extra=2`);
        assert.equal(two.status, 422);
        const paths = (await json<Problem>(two)).errors?.map((e) => e.path).sort();
        assert.deepEqual(paths, [unknown, "zz_extra"].sort());
      },
    });
  }
});
