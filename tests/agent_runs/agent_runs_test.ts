// Agent runs on both profiles: an agent's service account records only its own agent's runs
// (admin and agents/update holders any agent's), into agent_logs with an audit row, daily counters
// in the cache, 429 once a daily token or cost limit is reached (and nothing recorded), the limit
// holding for concurrent runs (across two instances on the server profile), counters rebuilt from
// agent_logs after the cache lost them (one rebuild for a burst), agent_logs answering while every
// cache call fails, the day ending at midnight UTC, and bounded, cursor-paged lists of runs.
import assert from "node:assert/strict";
import {
  apiTest,
  createUser,
  json,
  openTestApi,
  type TestApi,
  type TestUser,
} from "../support/api.ts";
import { secondApp } from "../support/second_app.ts";
import { spendingKey, tokensKey } from "../../src/agent_runs/budget.ts";
import type { CacheStore } from "../../src/stores/cache/port.ts";
import { StoreError } from "../../src/stores/errors.ts";
import { readUntil } from "../support/read_until.ts";

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

/** Makes `userId` (an agente_ia account) the agent's service account (agents.user_id). */
async function link(api: TestApi, agentId: string, userId: string): Promise<void> {
  await api.stores.relational.query("update agents set user_id = $2 where id = $1", [
    agentId,
    userId,
  ]);
}

/** An agent and its own linked agente_ia account, the only non-privileged caller it accepts. */
async function agentWithAccount(
  api: TestApi,
  limits: { tokens?: number | null; cost?: number | null } = {},
): Promise<{ id: string; account: TestUser }> {
  const id = await insertAgent(api, limits);
  const account = await createUser(api, { roles: ["agente_ia"] });
  await link(api, id, account.id);
  return { id, account };
}

/** What recording a run changes: its rows, the agent's totals, the counters, the audit trail. */
async function footprint(api: TestApi, agentId: string) {
  const db = api.stores.relational;
  const agent = await db.query<{ tokens: string; cost: string; last: Date | null }>(
    `select total_tokens_used::text as tokens, total_cost::text as cost, last_run_at as last
       from agents where id = $1`,
    [agentId],
  );
  // A recorded run's audit row names the path's agent (routes.ts), so this counts them all.
  const audits = await db.query<{ n: number }>(
    "select count(*)::int as n from audit_logs where agent_id = $1",
    [agentId],
  );
  return {
    logs: await countLogs(api, agentId),
    totals: agent.rows[0],
    tokens: await api.stores.cache.get(tokensKey(agentId, today())),
    spending: await api.stores.cache.get(spendingKey(agentId, today())),
    audits: audits.rows[0].n,
  };
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

type Budget = {
  tokens_used: number;
  cost: number;
  source: string;
  date: string;
  resets_at: string;
};
type Problem = { type: string; title: string; status: number; detail: string };

/**
 * `real`, failing every call as a dead Redis does while `state.down`; `state.refused` names the
 * methods that were refused, to show which calls the code under test made.
 */
function switchableCache(real: CacheStore) {
  const state = { down: false, refused: new Set<string>() };
  const cache = new Proxy(real, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (!state.down) return (value as (...a: unknown[]) => unknown).apply(target, args);
        state.refused.add(String(prop));
        return Promise.reject(new StoreError("unavailable", "cache", "connection refused (test)"));
      };
    },
  });
  return { cache, state };
}

const appOver = secondApp;

const run = (action: string, tokens_input: number, tokens_output: number, cost: number) => ({
  action,
  tokens_input,
  tokens_output,
  cost,
  duration_ms: 1200,
  model_used: "gpt-test",
  input_data: { prompt: "hello" },
});

apiTest("agent runs: recording, daily budgets, 429 and counter rebuilds", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const diretor = await createUser(api, { roles: ["diretor"] });
  const comercial = await createUser(api, { roles: ["comercial"] });
  const cache = api.stores.cache;

  // tokenAgent's service account is svc; a run is accepted from it for tokenAgent only.
  const { id: tokenAgent, account: svc } = await agentWithAccount(api, { tokens: 1000, cost: 100 });
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
    // The route needs agent_logs/create, which diretor's role JSON does not grant (0012 gave it
    // to agente_ia only): the guard refuses before any agent is looked at.
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
      // Blank, or holding NUL (PostgreSQL text cannot): named here, not refused by the store.
      [{ ...run("x", 1, 1, 0), action: " \t" }, "action"],
      [{ ...run("x", 1, 1, 0), action: "a\u0000" }, "action"],
      [{ ...run("x", 1, 1, 0), task_id: "t\u0000" }, "task_id"],
      [{ ...run("x", 1, 1, 0), model_used: "m\u0000" }, "model_used"],
      [{ ...run("x", 1, 1, 0), error_message: "e\u0000" }, "error_message"],
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

  await t.step(
    "someone else's agent: 404 as for a missing one, and nothing recorded",
    async () => {
      const stranger = await createUser(api, { roles: ["agente_ia"] });
      const other = await agentWithAccount(api, { tokens: 1000 });
      const before = await footprint(api, tokenAgent);
      const missing = await json<Problem>(await post(crypto.randomUUID(), run("x", 1, 1, 0)));
      // Unlinked, and linked to a different agent: both answer as for an agent that is not there.
      for (const [who, token] of [["unlinked", stranger.token], ["other's", other.account.token]]) {
        const res = await post(tokenAgent, run("lead.score", 5, 5, 0.01), token);
        assert.equal(res.status, 404, who);
        assert.equal(res.headers.get("Content-Type"), "application/problem+json");
        const problem = await json<Problem>(res);
        assert.deepEqual(
          [problem.type, problem.title, problem.detail],
          [missing.type, missing.title, missing.detail],
          who,
        );
        assert.equal(problem.detail, "No such agent");
      }
      assert.deepEqual(await footprint(api, tokenAgent), before, "nothing recorded for it");
      const strangerAudits = await api.stores.relational.query<{ n: number }>(
        "select count(*)::int as n from audit_logs where user_id = $1",
        [stranger.id],
      );
      assert.equal(strangerAudits.rows[0].n, 0);

      // The account still records for its own agent.
      assert.equal((await post(other.id, run("own", 5, 5, 0), other.account.token)).status, 201);
      // Those holding agents/update record for any agent: admin, and a diretor who also holds
      // agente_ia (for the route's agent_logs/create) yet is nobody's service account.
      const both = await createUser(api, { roles: ["diretor", "agente_ia"] });
      for (const [who, user] of [["admin", admin], ["diretor", both]] as const) {
        const res = await post(other.id, run(`by.${who}`, 5, 5, 0), user.token);
        const body = await json<{ id: string }>(res);
        assert.equal(res.status, 201, who);
        const audit = await api.stores.relational.query<{ agent_id: string; user_id: string }>(
          "select agent_id, user_id from audit_logs where resource_type = 'agent_logs' and resource_id = $1",
          [body.id],
        );
        assert.deepEqual(audit.rows, [{ agent_id: other.id, user_id: user.id }], who);
      }
      assert.equal(await countLogs(api, other.id), 3);
    },
  );

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
    const { id: agent, account } = await agentWithAccount(api, { tokens: null, cost: 1 });
    assert.equal((await post(agent, run("post.write", 10, 10, 0.6), account.token)).status, 201);
    assert.equal((await post(agent, run("post.write", 10, 10, 0.4), account.token)).status, 201);
    const res = await post(agent, run("post.write", 10, 10, 0.01), account.token);
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
        const { id: agent, account } = await agentWithAccount(api, limits);
        const responses = await Promise.all(
          Array.from(
            { length: 20 },
            (_, i) =>
              instances[i % instances.length].request("POST", `/api/v1/agents/${agent}/logs`, {
                token: account.token,
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
    const { id: agent, account } = await agentWithAccount(api, { tokens: 10_000, cost: 100 });
    assert.equal((await post(agent, run("a", 100, 50, 0.5), account.token)).status, 201);
    await cache.del(tokensKey(agent, today()), spendingKey(agent, today()));
    const again = await post(agent, run("a", 10, 5, 0.25), account.token);
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

  await t.step(
    "cache outage: every cache call fails; runs are counted and refused from agent_logs",
    async () => {
      // A second app whose cache refuses every call of every method while `down`.
      const flaky = switchableCache(cache);
      const outage = appOver(api, { stores: { cache: flaky.cache } });
      const { id: agent, account } = await agentWithAccount(api, { tokens: 150 });
      const postOn = (body: unknown) =>
        outage.request("POST", `/api/v1/agents/${agent}/logs`, { token: account.token, body });
      const budgetOn = async () => {
        const res = await outage.request("GET", `/api/v1/agents/${agent}/budget`, {
          token: diretor.token,
        });
        assert.equal(res.status, 200);
        return await json<Budget>(res);
      };
      // Counters from before the outage: the cache keeps them, it only stops answering.
      assert.equal((await postOn(run("a", 60, 0, 0.1))).status, 201);
      assert.equal(await cache.get(tokensKey(agent, today())), "60");

      flaky.state.down = true;
      const ok = await postOn(run("a", 60, 0, 0.1));
      const okBody = await json<{ budget: Budget }>(ok);
      assert.equal(ok.status, 201, JSON.stringify(okBody));
      assert.deepEqual([okBody.budget.tokens_used, okBody.budget.cost], [120, 0.2]);
      // Under the limit of 150 before it, so accepted; after it the day is at 180.
      assert.equal((await postOn(run("a", 60, 0, 0.1))).status, 201);
      const refused = await postOn(run("a", 1, 0, 0));
      assert.equal(refused.status, 429);
      assert.match((await json<Problem>(refused)).detail, /token limit/);
      assert.ok(Math.abs(Number(refused.headers.get("Retry-After")) - secondsToMidnight()) <= 5);
      const overOn = await outage.request("POST", `/api/v1/agents/${tokenAgent}/logs`, {
        token: svc.token,
        body: run("lead.score", 1, 0, 0),
      });
      assert.equal(overOn.status, 429, "an agent already over its limit stays refused");
      assert.equal(await countLogs(api, agent), 3);
      assert.deepEqual(await dbUsage(api, agent), { tokens: 180, cost: 0.3 });
      const during = await budgetOn();
      assert.deepEqual([during.source, during.tokens_used, during.cost], ["database", 180, 0.3]);
      // Every call the budget code makes failed: reads, the counter writes and their drop.
      for (const method of ["get", "set", "del"]) {
        assert.ok(flaky.state.refused.has(method), `${method}: ${[...flaky.state.refused]}`);
      }
      assert.ok(outage.warned(/agent budget counters not updated/));
      assert.ok(outage.warned(/cache invalidation owed/));

      flaky.state.down = false;
      // The runs owed a drop of the counters (the outbox, committed with them); a drain applies
      // it, here the test app's own drain (tests/support/api.ts) as any instance's would.
      await readUntil(() => cache.get(tokensKey(agent, today())), (v) => v === null, {
        everyMs: 50,
      });
      assert.equal(await cache.get(tokensKey(agent, today())), null, "stale counters dropped");
      const rebuilt = await budgetOn();
      assert.deepEqual([rebuilt.source, rebuilt.tokens_used, rebuilt.cost], ["rebuilt", 180, 0.3]);
      const next = await budgetOn();
      assert.deepEqual([next.source, next.tokens_used, next.cost], ["cache", 180, 0.3]);
      assert.equal((await postOn(run("a", 1, 0, 0))).status, 429);
      const audits = await api.stores.relational.query<{ n: number }>(
        "select count(*)::int as n from audit_logs where agent_id = $1",
        [agent],
      );
      assert.equal(audits.rows[0].n, 3, "one audit row per recorded run");
    },
  );

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
    // No stored action holds NUL (PostgreSQL text cannot): the filter names the parameter.
    const nul = await api.request("GET", `${base}?action=a%00`, { token: svc.token });
    assert.equal(nul.status, 422);
    const nulProblem = await json<{ errors?: { path: string }[] }>(nul);
    assert.deepEqual(nulProblem.errors?.map((e) => e.path), ["action"]);
    const missing = await api.request("GET", `/api/v1/agents/${crypto.randomUUID()}/logs`, {
      token: svc.token,
    });
    assert.equal(missing.status, 404);
    const noRun = await api.request("GET", `${base}/${crypto.randomUUID()}`, { token: svc.token });
    assert.equal(noRun.status, 404);
  });
});

apiTest("agent budgets: the day ends at midnight UTC", async (t, api) => {
  // The app's clock is injected (createApp's `now`), over the same stores. The days are long past,
  // so their runs land in agent_logs' default partition (sql/0006), and their counters' keys are
  // their own: nothing of today's is touched.
  let clock = Date.parse("2001-06-30T23:59:00Z");
  const timed = appOver(api, { now: () => clock });
  const { id: agent, account } = await agentWithAccount(api, { tokens: 100 });
  const post = (body: unknown) =>
    timed.request("POST", `/api/v1/agents/${agent}/logs`, { token: account.token, body });
  const budget = async () =>
    await json<Budget>(
      await timed.request("GET", `/api/v1/agents/${agent}/budget`, { token: account.token }),
    );

  await t.step("at the limit at 23:59:30 UTC: 429, Retry-After until midnight", async () => {
    const first = await post(run("night", 60, 40, 0.5));
    const body = await json<{ created_at: string; budget: Budget }>(first);
    assert.equal(first.status, 201, JSON.stringify(body));
    assert.equal(body.created_at, "2001-06-30T23:59:00.000Z");
    assert.deepEqual([body.budget.date, body.budget.tokens_used], ["2001-06-30", 100]);
    assert.equal(body.budget.resets_at, "2001-07-01T00:00:00.000Z");

    clock = Date.parse("2001-06-30T23:59:30Z");
    const res = await post(run("night", 1, 0, 0));
    assert.equal(res.status, 429);
    assert.equal(res.headers.get("Content-Type"), "application/problem+json");
    assert.match((await json<Problem>(res)).detail, /token limit of 100 reached/);
    assert.equal(res.headers.get("Retry-After"), "30");
    assert.equal(await countLogs(api, agent), 1);
    const b = await budget();
    assert.deepEqual([b.date, b.tokens_used, b.resets_at], [
      "2001-06-30",
      100,
      "2001-07-01T00:00:00.000Z",
    ]);
    assert.equal(await api.stores.cache.get(tokensKey(agent, "2001-06-30")), "100");
  });

  await t.step("at 00:00:05 UTC the next day the agent runs again, from zero", async () => {
    clock = Date.parse("2001-07-01T00:00:05Z");
    const res = await post(run("morning", 30, 20, 0.25));
    const body = await json<{ created_at: string; budget: Budget }>(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.created_at, "2001-07-01T00:00:05.000Z");
    assert.deepEqual([body.budget.date, body.budget.tokens_used, body.budget.cost], [
      "2001-07-01",
      50,
      0.25,
    ]);
    assert.equal(await api.stores.cache.get(tokensKey(agent, "2001-07-01")), "50");
    assert.equal(Number(await api.stores.cache.get(spendingKey(agent, "2001-07-01"))), 0.25);
    const b = await budget();
    assert.deepEqual([b.date, b.tokens_used, b.source], ["2001-07-01", 50, "cache"]);
    // Both rows are where their day is: the default partition.
    const rows = await api.stores.relational.query<{ part: string; n: number }>(
      `select tableoid::regclass::text as part, count(*)::int as n from agent_logs
        where agent_id = $1 group by 1`,
      [agent],
    );
    assert.deepEqual(rows.rows, [{ part: "agent_logs_default", n: 2 }]);
  });
});
