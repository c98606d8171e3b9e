// Agent runs on both profiles: recording into agent_logs with an audit row, daily counters in
// the cache, 429 once a daily token or cost limit is reached (and nothing recorded), the limit
// holding for concurrent runs (across two instances on the server profile), counters rebuilt from
// agent_logs after the cache lost them (one rebuild for a burst), the database answering during a
// cache outage, and bounded, cursor-paged lists of runs.
import assert from "node:assert/strict";
import { apiTest, createUser, json, openTestApi, type TestApi } from "../support/api.ts";
import { spendingKey, tokensKey } from "../../src/agent_runs/budget.ts";

const DAY = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const secondsToMidnight = () => Math.ceil((DAY - (Date.now() % DAY)) / 1000);

async function insertAgent(
  api: TestApi,
  limits: { tokens?: number | null; cost?: number | null } = {},
): Promise<string> {
  const u = crypto.randomUUID();
  const r = await api.stores.relational.query<{ id: string }>(
    `insert into agents (name, slug, crew, model_primary, daily_token_limit, daily_cost_limit)
     values ($1, $2, 'runs', 'gpt-test', $3, $4) returning id`,
    [`Runner ${u}`, `runner-${u}`, limits.tokens ?? null, limits.cost ?? null],
  );
  return r.rows[0].id;
}

async function countLogs(api: TestApi, agentId: string): Promise<number> {
  const r = await api.stores.relational.query<{ n: number }>(
    "select count(*)::int as n from agent_logs where agent_id = $1",
    [agentId],
  );
  return r.rows[0].n;
}

async function dbUsage(api: TestApi, agentId: string) {
  const start = new Date(Math.floor(Date.now() / DAY) * DAY);
  const r = await api.stores.relational.query<{ tokens: number; cost: number }>(
    `select coalesce(sum(tokens_input + tokens_output), 0)::int as tokens,
            coalesce(sum(cost), 0)::float8 as cost
       from agent_logs where agent_id = $1 and created_at >= $2`,
    [agentId, start],
  );
  return r.rows[0];
}

type Budget = { tokens_used: number; cost: number; source: string; date: string };

apiTest("agent runs: recording, daily budgets, 429 and counter rebuilds", async (t, api) => {
  const svc = await createUser(api, { roles: ["agente_ia"] });
  const admin = await createUser(api, { roles: ["admin"] });
  const diretor = await createUser(api, { roles: ["diretor"] });
  const comercial = await createUser(api, { roles: ["comercial"] });
  const cache = api.stores.cache;
  const run = (action: string, tokens_input: number, tokens_output: number, cost: number) => ({
    action,
    tokens_input,
    tokens_output,
    cost,
    duration_ms: 1200,
    model_used: "gpt-test",
    input_data: { prompt: "hello" },
  });

  const tokenAgent = await insertAgent(api, { tokens: 1000, cost: 100 });
  const post = (agent: string, body: unknown, token = svc.token) =>
    api.request("POST", `/api/v1/agents/${agent}/logs`, { token, body });

  await t.step(
    "record: 201 with the row, Location, budget; one audit row naming the agent",
    async () => {
      const res = await post(tokenAgent, run("lead.score", 400, 200, 0.25));
      const body = await json<{ id: string; tokens_input: number; cost: number; budget: Budget }>(
        res,
      );
      assert.equal(res.status, 201, JSON.stringify(body));
      assert.equal(res.headers.get("Location"), `/api/v1/agents/${tokenAgent}/logs/${body.id}`);
      assert.equal(body.tokens_input, 400);
      assert.equal(body.cost, 0.25);
      assert.equal(body.budget.tokens_used, 600);
      assert.equal(body.budget.date, today());
      const audit = await api.stores.relational.query<{ agent_id: string; user_id: string }>(
        "select agent_id, user_id from audit_logs where resource_type = 'agent_logs' and resource_id = $1",
        [body.id],
      );
      assert.equal(audit.rows.length, 1);
      assert.equal(audit.rows[0].agent_id, tokenAgent);
      assert.equal(audit.rows[0].user_id, svc.id);
      const agent = await api.stores.relational.query<
        { total_tokens_used: number; last_run_at: Date }
      >(
        "select total_tokens_used, last_run_at from agents where id = $1",
        [tokenAgent],
      );
      assert.equal(agent.rows[0].total_tokens_used, 600);
      assert.ok(agent.rows[0].last_run_at instanceof Date);
      const one = await api.request("GET", `/api/v1/agents/${tokenAgent}/logs/${body.id}`, {
        token: diretor.token,
      });
      assert.equal(one.status, 200);
      assert.deepEqual((await json<{ input_data: unknown }>(one)).input_data, { prompt: "hello" });
    },
  );

  await t.step(
    "counters live under the seed's keys with the UTC date, expiring at midnight",
    async () => {
      assert.equal(await cache.get(tokensKey(tokenAgent, today())), "600");
      assert.equal(Number(await cache.get(spendingKey(tokenAgent, today()))), 0.25);
      assert.match(
        tokensKey(tokenAgent, today()),
        /^agent:[0-9a-f-]+:tokens_daily:\d{4}-\d{2}-\d{2}$/,
      );
      const ttl = await cache.ttl(tokensKey(tokenAgent, today()));
      assert.ok(ttl !== null && ttl > 0 && ttl <= secondsToMidnight() * 1000 + 1000, String(ttl));
    },
  );

  await t.step("permissions and validation", async () => {
    assert.equal((await post(tokenAgent, run("x", 1, 1, 0), comercial.token)).status, 403);
    assert.equal((await post(tokenAgent, run("x", 1, 1, 0), diretor.token)).status, 403);
    assert.equal((await post(tokenAgent, run("x", 1, 1, 0), admin.token)).status, 201);
    assert.equal((await post(tokenAgent, run("x", 1, 1, 0), "")).status, 401);
    assert.equal((await post(crypto.randomUUID(), run("x", 1, 1, 0))).status, 404);
    const cases: [unknown, string][] = [
      [{ ...run("x", 1, 1, 0), tokens_input: -1 }, "tokens_input"],
      [{ ...run("x", 1, 1, 0), cost: 10_000 }, "cost"],
      [{ ...run("x", 1, 1, 0), level: "fatal" }, "level"],
      [{ ...run("x", 1, 1, 0), tokens: 5 }, "tokens"],
      [{ tokens_input: 1 }, "action"],
    ];
    for (const [body, field] of cases) {
      const res = await post(tokenAgent, body);
      const problem = await json<{ errors?: { path: string }[] }>(res);
      assert.equal(res.status, 422, field);
      assert.ok(
        problem.errors?.some((e) => e.path === field),
        `${field}: ${JSON.stringify(problem)}`,
      );
    }
    const list = await api.request("GET", `/api/v1/agents/${tokenAgent}/logs`, {
      token: comercial.token,
    });
    assert.equal(list.status, 403);
  });

  await t.step("token limit: the run that crosses it is recorded, the next gets 429", async () => {
    // 602 used so far; this one ends at 1102, over the 1000 limit, but was under it before.
    assert.equal((await post(tokenAgent, run("lead.score", 300, 200, 0.1))).status, 201);
    const before = await countLogs(api, tokenAgent);
    const audits = await api.stores.relational.query<{ n: number }>(
      "select count(*)::int as n from audit_logs where agent_id = $1",
      [tokenAgent],
    );
    const res = await post(tokenAgent, run("lead.score", 1, 0, 0));
    const problem = await json<{ status: number; detail: string }>(res);
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("Content-Type"), "application/problem+json");
    assert.equal(problem.status, 429);
    assert.match(problem.detail, /token limit/);
    const retry = Number(res.headers.get("Retry-After"));
    assert.ok(Math.abs(retry - secondsToMidnight()) <= 5, `Retry-After ${retry}`);
    assert.equal(await countLogs(api, tokenAgent), before, "the refused run is not recorded");
    const after = await api.stores.relational.query<{ n: number }>(
      "select count(*)::int as n from audit_logs where agent_id = $1",
      [tokenAgent],
    );
    assert.equal(after.rows[0].n, audits.rows[0].n, "nor audited");
  });

  await t.step("cost limit: 429 once the day's spend reaches it", async () => {
    const agent = await insertAgent(api, { tokens: null, cost: 1 });
    assert.equal((await post(agent, run("post.write", 10, 10, 0.6))).status, 201);
    assert.equal((await post(agent, run("post.write", 10, 10, 0.4))).status, 201);
    const res = await post(agent, run("post.write", 10, 10, 0.01));
    assert.equal(res.status, 429);
    assert.match((await json<{ detail: string }>(res)).detail, /cost limit/);
    assert.equal(await countLogs(api, agent), 2);
  });

  await t.step("20 concurrent runs: exactly those the limit allows are recorded", async () => {
    // 100 tokens and 0.25 a run: usage before runs 1..7 is 0..600 (0..1.50), under the limit of
    // 700 (1.75); before run 8 it is 700 (1.75), the limit reached. So 7 of 20 get through.
    // On the server profile a second instance (own pool and app, same stores) takes half.
    const other = api.profile === "server" ? await openTestApi("server") : null;
    const instances = other ? [api, other] : [api];
    try {
      for (
        const [limits, refusal] of [[{ tokens: 700 }, /token limit/], [
          { cost: 1.75 },
          /cost/,
        ]] as const
      ) {
        const agent = await insertAgent(api, limits);
        const responses = await Promise.all(
          Array.from(
            { length: 20 },
            (_, i) =>
              instances[i % instances.length].request("POST", `/api/v1/agents/${agent}/logs`, {
                token: svc.token,
                body: run("burst", 60, 40, 0.25),
              }),
          ),
        );
        const statuses = responses.map((r) => r.status);
        assert.equal(statuses.filter((s) => s === 201).length, 7, statuses.join(" "));
        assert.equal(statuses.filter((s) => s === 429).length, 13, statuses.join(" "));
        const usedAfter: number[] = [];
        for (const res of responses) {
          if (res.status === 201) {
            usedAfter.push((await json<{ budget: Budget }>(res)).budget.tokens_used);
            continue;
          }
          assert.equal(res.headers.get("Content-Type"), "application/problem+json");
          const problem = await json<{ status: number; detail: string }>(res);
          assert.equal(problem.status, 429);
          assert.match(problem.detail, refusal);
          const retry = Number(res.headers.get("Retry-After"));
          assert.ok(Math.abs(retry - secondsToMidnight()) <= 5, `Retry-After ${retry}`);
        }
        // Admitted one after another: each saw the previous one's usage.
        assert.deepEqual(usedAfter.sort((a, b) => a - b), [100, 200, 300, 400, 500, 600, 700]);
        assert.equal(await countLogs(api, agent), 7);
        assert.deepEqual(await dbUsage(api, agent), { tokens: 700, cost: 1.75 });
        assert.equal(await cache.get(tokensKey(agent, today())), "700");
        assert.equal(Number(await cache.get(spendingKey(agent, today()))), 1.75);
        const audits = await api.stores.relational.query<{ n: number }>(
          "select count(*)::int as n from audit_logs where agent_id = $1",
          [agent],
        );
        assert.equal(audits.rows[0].n, 7);
        const res = await api.request("GET", `/api/v1/agents/${agent}/budget`, {
          token: diretor.token,
        });
        const budget = await json<Budget>(res);
        assert.deepEqual([budget.source, budget.tokens_used, budget.cost], ["cache", 700, 1.75]);
      }
    } finally {
      await other?.close();
    }
  });

  await t.step("counters lost: rebuilt from agent_logs, and the limit still holds", async () => {
    await cache.del(tokensKey(tokenAgent, today()), spendingKey(tokenAgent, today()));
    const want = await dbUsage(api, tokenAgent);
    const res = await api.request("GET", `/api/v1/agents/${tokenAgent}/budget`, {
      token: diretor.token,
    });
    const budget = await json<Budget>(res);
    assert.equal(res.status, 200);
    assert.equal(budget.source, "rebuilt");
    assert.equal(budget.tokens_used, want.tokens);
    assert.equal(await cache.get(tokensKey(tokenAgent, today())), String(want.tokens));
    await cache.del(tokensKey(tokenAgent, today()), spendingKey(tokenAgent, today()));
    assert.equal((await post(tokenAgent, run("lead.score", 1, 0, 0))).status, 429);

    // A second agent: counters dropped between runs are rebuilt, then added to.
    const agent = await insertAgent(api, { tokens: 10_000, cost: 100 });
    assert.equal((await post(agent, run("a", 100, 50, 0.5))).status, 201);
    await cache.del(tokensKey(agent, today()), spendingKey(agent, today()));
    const again = await post(agent, run("a", 10, 5, 0.25));
    assert.equal(again.status, 201);
    assert.equal((await json<{ budget: Budget }>(again)).budget.tokens_used, 165);
    assert.equal(await cache.get(tokensKey(agent, today())), "165");
    assert.equal(Number(await cache.get(spendingKey(agent, today()))), 0.75);
  });

  await t.step("a burst after the counters were lost runs one rebuild", async () => {
    await cache.del(tokensKey(tokenAgent, today()), spendingKey(tokenAgent, today()));
    const want = await dbUsage(api, tokenAgent);
    const answers = await Promise.all(Array.from({ length: 8 }, async () => {
      const res = await api.request("GET", `/api/v1/agents/${tokenAgent}/budget`, {
        token: admin.token,
      });
      return await json<Budget>(res);
    }));
    assert.equal(answers.filter((b) => b.source === "rebuilt").length, 1, JSON.stringify(answers));
    for (const b of answers) assert.equal(b.tokens_used, want.tokens);
  });

  await t.step("cache outage: limits enforced from agent_logs", async () => {
    const original = { get: cache.get, incr: cache.incr, incrFloat: cache.incrFloat };
    const down = () => Promise.reject(new Error("cache down (test)"));
    Object.assign(cache, { get: down, incr: down, incrFloat: down });
    try {
      assert.equal((await post(tokenAgent, run("lead.score", 1, 0, 0))).status, 429);
      const agent = await insertAgent(api, { tokens: 100 });
      const ok = await post(agent, run("a", 60, 0, 0));
      assert.equal(ok.status, 201);
      assert.equal((await json<{ budget: Budget }>(ok)).budget.source, "database");
      assert.equal((await post(agent, run("a", 60, 0, 0))).status, 201);
      assert.equal((await post(agent, run("a", 1, 0, 0))).status, 429);
    } finally {
      Object.assign(cache, original);
    }
  });

  await t.step("list: newest first, cursor walk, filters, bounded range", async () => {
    const agent = await insertAgent(api);
    const db = api.stores.relational;
    const now = Date.now();
    // Six runs over the last 3 days, one 10 days ago (outside the default 7-day range).
    const ages = [1, 2, 3, 24, 48, 70, 240].map((h) => now - h * 3_600_000);
    for (const [i, at] of ages.entries()) {
      await db.query(
        `insert into agent_logs (agent_id, action, level, success, created_at)
         values ($1, $2, $3::log_level, $4, $5)`,
        [agent, i % 2 ? "odd" : "even", i === 1 ? "error" : "info", i !== 1, new Date(at)],
      );
    }
    const base = `/api/v1/agents/${agent}/logs`;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const res = await api.request("GET", `${base}?limit=4${q}`, { token: svc.token });
      const page = await json<{ items: { created_at: string }[]; next_cursor: string | null }>(res);
      assert.equal(res.status, 200, JSON.stringify(page));
      seen.push(...page.items.map((l) => l.created_at));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ages.slice(0, 6).map((ms) => new Date(ms).toISOString()));

    const from = new Date(now - 11 * DAY).toISOString();
    const wide = await api.request("GET", `${base}?from=${from}&limit=200`, { token: svc.token });
    assert.equal((await json<{ items: unknown[] }>(wide)).items.length, 7);
    const errors = await api.request("GET", `${base}?level=error`, { token: svc.token });
    assert.equal((await json<{ items: unknown[] }>(errors)).items.length, 1);
    const failed = await api.request("GET", `${base}?success=false`, { token: svc.token });
    assert.equal((await json<{ items: unknown[] }>(failed)).items.length, 1);
    const odd = await api.request("GET", `${base}?action=odd`, { token: svc.token });
    assert.equal((await json<{ items: unknown[] }>(odd)).items.length, 3);

    const tooWide = `${base}?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z`;
    assert.equal((await api.request("GET", tooWide, { token: svc.token })).status, 422);
    const reversed = `${base}?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`;
    assert.equal((await api.request("GET", reversed, { token: svc.token })).status, 422);
    assert.equal(
      (await api.request("GET", `${base}?cursor=xyz`, { token: svc.token })).status,
      422,
    );
    const missing = await api.request("GET", `/api/v1/agents/${crypto.randomUUID()}/logs`, {
      token: svc.token,
    });
    assert.equal(missing.status, 404);
    const noRun = await api.request("GET", `${base}/${crypto.randomUUID()}`, { token: svc.token });
    assert.equal(noRun.status, 404);
  });
});
