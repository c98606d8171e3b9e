// Dashboards on both profiles: owner-only CRUD with ETags and audit rows, metric samples in, and
// period summaries whose avg/min/max/p95 equal figures computed here; the 5-minute summary cache
// is dropped when samples arrive and a cache outage still answers from the database.
import assert from "node:assert/strict";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { MAX_POINTS } from "../../src/dashboards/summary.ts";

const HOUR = 3_600_000;
const FIELDS = [
  "ia_efficiency",
  "model_accuracy",
  "processing_time_ms",
  "memory_usage_mb",
  "error_rate",
] as const;
type Field = typeof FIELDS[number];
type Sample = Record<Field, number> & { timestamp: string };
type Stats = { avg: number | null; min: number | null; max: number | null; p95: number | null };
type Summary = {
  dashboard_id: string;
  period: string;
  count: number;
  stats: Record<Field, Stats>;
  series: (Record<Field, number> & { timestamp: string; samples: number })[];
  downsampled: boolean;
  bucket_ms: number | null;
};

/** percentile_cont: linear interpolation between the two nearest ranks. */
function percentileCont(values: number[], p: number): number {
  const a = [...values].sort((x, y) => x - y);
  const pos = p * (a.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return a[lo] + (a[hi] - a[lo]) * (pos - lo);
}

function expectedStats(samples: Sample[]): Record<Field, Stats> {
  return Object.fromEntries(FIELDS.map((f) => {
    const v = samples.map((s) => s[f]);
    return [f, {
      avg: v.reduce((a, x) => a + x, 0) / v.length,
      min: Math.min(...v),
      max: Math.max(...v),
      p95: percentileCont(v, 0.95),
    }];
  })) as Record<Field, Stats>;
}

function assertClose(actual: number | null, expected: number | null, label: string) {
  assert.ok(actual !== null && expected !== null, `${label}: ${actual} vs ${expected}`);
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${label}: ${actual} !== ${expected}`,
  );
}

let seq = 0;
function sample(ts: number): Sample {
  // Deterministic but varied values within seed 003's ranges.
  const k = ++seq;
  return {
    ia_efficiency: 0.8 + ((k * 37) % 19) / 100,
    model_accuracy: 0.85 + ((k * 11) % 13) / 100,
    processing_time_ms: 20 + ((k * 53) % 80),
    memory_usage_mb: 200 + ((k * 97) % 312) + 0.5,
    error_rate: 0.01 + ((k * 7) % 5) / 100,
    timestamp: new Date(ts).toISOString(),
  };
}

async function auditCount(api: TestApi, resourceId: string, action: string): Promise<number> {
  const r = await api.stores.relational.query<{ n: number }>(
    "select count(*)::int as n from audit_logs where resource_id = $1 and action = $2",
    [resourceId, action],
  );
  return r.rows[0].n;
}

apiTest("dashboards: owner CRUD, metrics summaries and their cache", async (t, api) => {
  const owner = await createUser(api, { roles: ["diretor"] });
  const other = await createUser(api, { roles: ["admin"] });
  let dashId = "";
  let etag = "";

  await t.step("only roles granted the dashboard resource reach dashboards", async () => {
    // Seed 004 grants `dashboard` to diretor (admin holds everything); the others have none.
    for (const roles of [[], ["cliente"], ["comercial"], ["agente_ia"]]) {
      const user = await createUser(api, { roles });
      for (
        const [method, path, body] of [
          ["GET", "/api/v1/dashboards", undefined],
          ["POST", "/api/v1/dashboards", { name: "Mine" }],
        ] as const
      ) {
        const res = await api.request(method, path, { token: user.token, body });
        const problem = await json(res);
        assert.equal(res.status, 403, `${roles.join() || "no role"} ${method} ${path}`);
        assert.equal(res.headers.get("Content-Type"), "application/problem+json");
        assert.equal(typeof problem.request_id, "string");
      }
    }
    for (const user of [owner, other]) {
      const res = await api.request("GET", "/api/v1/dashboards", { token: user.token });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
  });

  await t.step("create: 201 with Location and ETag, one audit row; bad bodies 422", async () => {
    const res = await api.request("POST", "/api/v1/dashboards", {
      token: owner.token,
      body: { name: "  Ops  " },
    });
    const body = await json<{ id: string; name: string; user_id: string }>(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.name, "Ops");
    assert.equal(body.user_id, owner.id);
    assert.equal(res.headers.get("Location"), `/api/v1/dashboards/${body.id}`);
    etag = res.headers.get("ETag") ?? "";
    assert.ok(etag);
    dashId = body.id;
    assert.equal(await auditCount(api, dashId, "create"), 1);

    const refused = [
      {},
      { name: "" },
      // Blank: nothing would be left after the trim, and the document's pattern says so too.
      { name: "\r" },
      { name: " \ufeff " },
      { name: "x".repeat(101) },
      { name: "a", color: "red" },
    ];
    for (const bad of refused) {
      const r = await api.request("POST", "/api/v1/dashboards", { token: owner.token, body: bad });
      assert.equal(r.status, 422, JSON.stringify(bad));
      assert.equal(r.headers.get("Content-Type"), "application/problem+json");
      await r.body?.cancel();
    }
    // As the other user: the owner's list is walked below.
    const trimmed = await api.request("POST", "/api/v1/dashboards", {
      token: other.token,
      body: { name: "  Trimmed\t" },
    });
    assert.equal(trimmed.status, 201);
    assert.equal((await json<{ name: string }>(trimmed)).name, "Trimmed");
    assert.equal(
      (await api.request("POST", "/api/v1/dashboards", { body: { name: "a" } })).status,
      401,
    );
  });

  await t.step("list: only the caller's, newest first, cursor walk", async () => {
    for (const name of ["B", "C"]) {
      const r = await api.request("POST", "/api/v1/dashboards", {
        token: owner.token,
        body: { name },
      });
      assert.equal(r.status, 201);
    }
    await api.request("POST", "/api/v1/dashboards", {
      token: other.token,
      body: { name: "theirs" },
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : "";
      const res = await api.request("GET", `/api/v1/dashboards?limit=2${q}`, {
        token: owner.token,
      });
      const page = await json<
        { items: { name: string; user_id: string }[]; next_cursor: string | null }
      >(
        res,
      );
      assert.equal(res.status, 200);
      assert.ok(page.items.length <= 2);
      for (const d of page.items) assert.equal(d.user_id, owner.id);
      seen.push(...page.items.map((d) => d.name));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, ["C", "B", "Ops"]);
    const bad = await api.request("GET", "/api/v1/dashboards?cursor=nonsense", {
      token: owner.token,
    });
    assert.equal(bad.status, 422);
  });

  await t.step("another user gets 404 for every route of it, even an admin", async () => {
    const base = `/api/v1/dashboards/${dashId}`;
    const calls: [string, string, unknown][] = [
      ["GET", base, undefined],
      ["PATCH", base, { name: "hijack" }],
      ["DELETE", base, undefined],
      ["GET", `${base}/metrics?period=all`, undefined],
      ["POST", `${base}/metrics`, sample(Date.now())],
    ];
    for (const [method, path, body] of calls) {
      const res = await api.request(method, path, { token: other.token, body });
      assert.equal(res.status, 404, `${method} ${path}`);
    }
    const still = await api.request("GET", base, { token: owner.token });
    assert.equal((await json<{ name: string }>(still)).name, "Ops");
  });

  await t.step("update: stale If-Match 412, current one 200 with a new ETag", async () => {
    const read = await api.request("GET", `/api/v1/dashboards/${dashId}`, { token: owner.token });
    assert.equal(read.headers.get("ETag"), etag);
    const ok = await api.request("PATCH", `/api/v1/dashboards/${dashId}`, {
      token: owner.token,
      body: { name: "Ops 2" },
      headers: { "If-Match": etag },
    });
    assert.equal(ok.status, 200);
    const newTag = ok.headers.get("ETag");
    assert.ok(newTag && newTag !== etag);
    const stale = await api.request("PATCH", `/api/v1/dashboards/${dashId}`, {
      token: owner.token,
      body: { name: "Ops 3" },
      headers: { "If-Match": etag },
    });
    assert.equal(stale.status, 412);
    const staleDelete = await api.request("DELETE", `/api/v1/dashboards/${dashId}`, {
      token: owner.token,
      headers: { "If-Match": etag },
    });
    assert.equal(staleDelete.status, 412);
    assert.equal(await auditCount(api, dashId, "update"), 1);
    etag = newTag;
  });

  const now = Date.now();
  const samples = [
    sample(now - 1 * HOUR),
    sample(now - 5 * HOUR),
    sample(now - 23 * HOUR),
    sample(now - 2 * 24 * HOUR),
    sample(now - 6 * 24 * HOUR),
    sample(now - 10 * 24 * HOUR),
    sample(now - 29 * 24 * HOUR),
    sample(now - 40 * 24 * HOUR),
    sample(now - 100 * 24 * HOUR),
  ];
  const windows: Record<string, number> = {
    "24h": 24 * HOUR,
    "7d": 7 * 24 * HOUR,
    "30d": 30 * 24 * HOUR,
    all: Infinity,
  };

  await t.step("ingest: an array of samples, one audit row for the request", async () => {
    const res = await api.request("POST", `/api/v1/dashboards/${dashId}/metrics`, {
      token: owner.token,
      body: samples,
    });
    const body = await json<{ inserted: number }>(res);
    assert.equal(res.status, 201, JSON.stringify(body));
    assert.equal(body.inserted, samples.length);
    assert.equal(await auditCount(api, dashId, "metrics.ingest"), 1);
  });

  await t.step("ingest validation: ranges, unknown fields, size, future timestamps", async () => {
    const path = `/api/v1/dashboards/${dashId}/metrics`;
    const cases: [unknown, string][] = [
      [{ ...sample(now), ia_efficiency: 1.5 }, "ia_efficiency"],
      [[sample(now), { ...sample(now), error_rate: -0.1 }], "1.error_rate"],
      [{ ...sample(now), cpu: 3 }, "cpu"],
      [{ ...sample(now), timestamp: new Date(now + 3600_000).toISOString() }, "timestamp"],
      [Array.from({ length: 1001 }, () => sample(now)), "(root)"],
      [[], "(root)"],
    ];
    for (const [body, field] of cases) {
      const res = await api.request("POST", path, { token: owner.token, body });
      const problem = await json<{ errors?: { path: string }[] }>(res);
      assert.equal(res.status, 422, field);
      assert.ok(
        problem.errors?.some((e) => e.path === field),
        `${field}: ${JSON.stringify(problem)}`,
      );
    }
    const bad = await api.request("GET", `${path}?period=1y`, { token: owner.token });
    assert.equal(bad.status, 422);
    assert.equal(
      await auditCount(api, dashId, "metrics.ingest"),
      1,
      "refused requests not audited",
    );
  });

  await t.step("summary per period: stats equal figures computed here", async () => {
    for (const [period, width] of Object.entries(windows)) {
      const res = await api.request(
        "GET",
        `/api/v1/dashboards/${dashId}/metrics?period=${period}`,
        {
          token: owner.token,
        },
      );
      const body = await json<Summary>(res);
      assert.equal(res.status, 200, JSON.stringify(body));
      const inWindow = samples.filter((s) => Date.parse(s.timestamp) > now - width + 60_000);
      assert.equal(body.count, inWindow.length, period);
      assert.equal(body.series.length, inWindow.length);
      assert.equal(body.downsampled, false);
      const times = body.series.map((p) => Date.parse(p.timestamp));
      assert.deepEqual(times, [...times].sort((a, b) => a - b), "series in time order");
      const want = expectedStats(inWindow);
      for (const f of FIELDS) {
        for (const k of ["avg", "min", "max", "p95"] as const) {
          assertClose(body.stats[f][k], want[f][k], `${period} ${f}.${k}`);
        }
      }
    }
  });

  await t.step("cache: second read is a hit; new samples show right away", async () => {
    const path = `/api/v1/dashboards/${dashId}/metrics?period=24h`;
    const first = await api.request("GET", path, { token: owner.token });
    await first.body?.cancel();
    const again = await api.request("GET", path, { token: owner.token });
    assert.equal(again.headers.get("X-Cache"), "hit");
    const before = await json<Summary>(again);
    const extra = { ...sample(now), processing_time_ms: 5000 };
    const post = await api.request("POST", `/api/v1/dashboards/${dashId}/metrics`, {
      token: owner.token,
      body: extra,
    });
    assert.equal(post.status, 201);
    const after = await api.request("GET", path, { token: owner.token });
    assert.equal(after.headers.get("X-Cache"), "miss");
    const body = await json<Summary>(after);
    assert.equal(body.count, before.count + 1);
    assert.equal(body.stats.processing_time_ms.max, 5000);
    samples.push(extra);
  });

  await t.step("cache outage: the summary still comes from the database", async () => {
    const cache = api.stores.cache;
    const original = { get: cache.get, set: cache.set };
    const down = () => Promise.reject(new Error("cache down (test)"));
    Object.assign(cache, { get: down, set: down });
    try {
      const res = await api.request("GET", `/api/v1/dashboards/${dashId}/metrics?period=all`, {
        token: owner.token,
      });
      const body = await json<Summary>(res);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("X-Cache"), "miss");
      assert.equal(body.count, samples.length);
      assertClose(
        body.stats.memory_usage_mb.avg,
        expectedStats(samples).memory_usage_mb.avg,
        "avg",
      );
      assert.ok(api.logs.some((l) => l.level === "warn" && String(l.msg).includes("cache")));
    } finally {
      Object.assign(cache, original);
    }
  });

  await t.step("a long series is averaged into at most MAX_POINTS buckets", async () => {
    const created = await api.request("POST", "/api/v1/dashboards", {
      token: owner.token,
      body: { name: "Dense" },
    });
    const dense = (await json<{ id: string }>(created)).id;
    const total = 1500;
    const start = now - 20 * 24 * HOUR;
    const all = Array.from({ length: total }, (_, i) => sample(start + i * 10 * 60_000));
    for (let i = 0; i < total; i += 1000) {
      const res = await api.request("POST", `/api/v1/dashboards/${dense}/metrics`, {
        token: owner.token,
        body: all.slice(i, i + 1000),
      });
      assert.equal(res.status, 201);
    }
    const res = await api.request("GET", `/api/v1/dashboards/${dense}/metrics?period=all`, {
      token: owner.token,
    });
    const body = await json<Summary>(res);
    assert.equal(body.count, total);
    assert.equal(body.downsampled, true);
    assert.ok(body.series.length <= MAX_POINTS && body.series.length > MAX_POINTS / 2);
    assert.equal(body.series.reduce((a, p) => a + p.samples, 0), total, "every sample in a bucket");
    const want = expectedStats(all);
    assertClose(body.stats.ia_efficiency.p95, want.ia_efficiency.p95, "p95 over all samples");
    // The buckets' weighted mean is the overall mean.
    const weighted = body.series.reduce((a, p) => a + p.error_rate * p.samples, 0) / total;
    assertClose(weighted, want.error_rate.avg, "weighted bucket mean");
  });

  await t.step("delete: 204, then 404; its samples go with it; one audit row", async () => {
    const res = await api.request("DELETE", `/api/v1/dashboards/${dashId}`, {
      token: owner.token,
      headers: { "If-Match": etag },
    });
    assert.equal(res.status, 204);
    const gone = await api.request("GET", `/api/v1/dashboards/${dashId}`, { token: owner.token });
    assert.equal(gone.status, 404);
    const m = await api.stores.relational.query<{ n: number }>(
      "select count(*)::int as n from metrics where dashboard_id = $1",
      [dashId],
    );
    assert.equal(m.rows[0].n, 0);
    assert.equal(await auditCount(api, dashId, "delete"), 1);
    const summary = await api.request("GET", `/api/v1/dashboards/${dashId}/metrics`, {
      token: owner.token,
    });
    assert.equal(summary.status, 404, "no cached summary outlives its dashboard");
  });
});
