// The hot paths of issue 7, each as the route it needs, the users it signs in as, the raw store
// it is compared with, and the wrk plan that drives it. A scenario whose route the running API
// does not serve is reported as pending, never approximated by another route.
import {
  BENCH_PASSWORD,
  benchEmail,
  companyName,
  GROUP_SIZE,
  type SeedInfo,
  type UserGroup,
} from "./seed.ts";
import type { TokenPool } from "./tokens.ts";
import type { EtagRow, Plan, PlannedRequest } from "./wrk.ts";

/** What a scenario may use to build its plan. */
export interface ScenarioContext {
  baseUrl: string;
  seed: SeedInfo;
  tokens: TokenPool;
}

/** Which raw store a scenario is held against besides the bare server. */
export type StoreBaseline = "pgbench" | "redis" | null;

export interface Scenario {
  name: string;
  /** The route in the permission table's form, e.g. "GET /api/v1/leads/:id". */
  route: string;
  description: string;
  storeBaseline: StoreBaseline;
  /** The scenario changes data (it runs after the reads). */
  writes?: boolean;
  /**
   * Shortest measured run. Login answers a few dozen requests per second, so a short run would
   * count only the requests of its first seconds' queue.
   */
  minDurationS?: number;
  plan(ctx: ScenarioContext): Promise<Plan>;
}

const get = (path: string): PlannedRequest => ({ method: "GET", path });

async function signedIn(ctx: ScenarioContext, group: UserGroup, requests: PlannedRequest[]) {
  return { tokens: await ctx.tokens.of(group), requests };
}

/** GETs `path` as `token` and returns the ETag header (throws unless 200 with a tag). */
async function etagOf(baseUrl: string, path: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  await res.body?.cancel();
  const tag = res.headers.get("etag");
  if (res.status !== 200 || tag === null) {
    throw new Error(`GET ${path}: ${res.status}, ETag ${tag ?? "missing"}`);
  }
  return tag;
}

export const SCENARIOS: Scenario[] = [
  {
    name: "health",
    route: "GET /health",
    description: "liveness, no store touched: the framework's own cost",
    storeBaseline: null,
    plan: () => Promise.resolve({ requests: [get("/health")] }),
  },
  {
    name: "auth_me",
    route: "GET /api/v1/auth/me",
    description: "token check (JWT, revocation, grants from cache) and the caller's profile",
    storeBaseline: "pgbench",
    plan: (ctx) => signedIn(ctx, "sales", [get("/api/v1/auth/me")]),
  },
  {
    name: "cached_read",
    route: "GET /api/v1/pipeline-stages",
    description: "signed-in read answered from the cache (pipeline stages page, 1 h TTL)",
    storeBaseline: "redis",
    plan: (ctx) => signedIn(ctx, "sales", [get("/api/v1/pipeline-stages")]),
  },
  {
    name: "read_by_id",
    route: "GET /api/v1/leads/:id",
    description: "one lead by primary key (2,000 random ids)",
    storeBaseline: "pgbench",
    plan: (ctx) => signedIn(ctx, "sales", ctx.seed.leadIds.map((id) => get(`/api/v1/leads/${id}`))),
  },
  {
    name: "list_filtered",
    route: "GET /api/v1/leads",
    description: "a page of 50 leads filtered by status and temperature, newest first",
    storeBaseline: "pgbench",
    plan: (ctx) =>
      signedIn(ctx, "sales", [
        get("/api/v1/leads?status=qualified&temperature=hot&limit=50"),
        get("/api/v1/leads?status=new&limit=50"),
        get("/api/v1/leads?temperature=warm&limit=50&sort=-created_at"),
      ]),
  },
  {
    name: "fuzzy_search",
    route: "GET /api/v1/companies",
    description: "a company by its name with a letter missing (pg_trgm similarity), top 50",
    storeBaseline: "pgbench",
    plan: (ctx) => {
      // 120 seeded companies spread over the table, each looked up by its name with the third
      // letter dropped: a fuzzy match, not a substring, as a user mistyping a name would send.
      const requests: PlannedRequest[] = [];
      for (let k = 0; k < 120; k++) {
        const g = 1 + ((k * 83) % ctx.seed.size.companies);
        const name = companyName(g);
        const q = name.slice(0, 2) + name.slice(3);
        requests.push(get(`/api/v1/companies?q=${encodeURIComponent(q)}&limit=50`));
      }
      return signedIn(ctx, "sales", requests);
    },
  },
  {
    name: "pipeline_report",
    route: "GET /api/v1/reports/pipeline",
    description: "deals by pipeline stage (count, value, weighted value)",
    storeBaseline: "pgbench",
    plan: (ctx) => signedIn(ctx, "director", [get("/api/v1/reports/pipeline")]),
  },
  {
    name: "dashboard_30d",
    route: "GET /api/v1/dashboards/:id/metrics",
    description: "the bench dashboard's metrics over 30 days (owner signed in)",
    storeBaseline: "pgbench",
    plan: async (ctx) => {
      // The dashboard belongs to director user 1: only its owner reads it.
      const tokens = (await ctx.tokens.of("director")).slice(0, 1);
      return {
        tokens,
        requests: [get(`/api/v1/dashboards/${ctx.seed.dashboardId}/metrics?period=30d`)],
      };
    },
  },
  {
    name: "create_company",
    route: "POST /api/v1/companies",
    description: "create a company: insert and its audit row in one transaction",
    storeBaseline: "pgbench",
    writes: true,
    plan: (ctx) =>
      signedIn(ctx, "sales", [{
        method: "POST",
        path: "/api/v1/companies",
        body: JSON.stringify({
          name: "Bench Nova {run}{seq}",
          cnpj: "{run}{seq}",
          segment: "tech",
          size: "micro",
          source: "bench",
        }),
      }]),
  },
  {
    // The one create that also drops a cache entry: pipeline stages are listed from the cache.
    // It runs after the reads, since it leaves thousands of extra stages behind.
    name: "create_invalidating",
    route: "POST /api/v1/pipeline-stages",
    description: "create a pipeline stage: insert, audit row, and the cached stage list dropped",
    storeBaseline: "pgbench",
    writes: true,
    plan: (ctx) =>
      signedIn(ctx, "sales", [{
        method: "POST",
        path: "/api/v1/pipeline-stages",
        body: JSON.stringify({
          name: "Bench stage {run}{seq}",
          slug: "bench-{run}-{seq}",
          sort_order: 100,
          probability: 50,
        }),
      }]),
  },
  {
    name: "update_if_match",
    route: "PATCH /api/v1/leads/:id",
    description: "update a lead's score with If-Match (row's current ETag), audited",
    storeBaseline: "pgbench",
    writes: true,
    plan: async (ctx) => {
      const tokens = await ctx.tokens.of("sales");
      // One row per possible in-flight request and then some, so no two requests share a row.
      const ids = ctx.seed.leadIds.slice(0, 600);
      const rows: EtagRow[] = [];
      for (let i = 0; i < ids.length; i += 16) {
        rows.push(
          ...await Promise.all(
            ids.slice(i, i + 16).map(async (id) => {
              const path = `/api/v1/leads/${id}`;
              return {
                method: "PATCH",
                path,
                etag: await etagOf(ctx.baseUrl, path, tokens[0]),
                body: JSON.stringify({ notes: "bench update {seq}" }),
              };
            }),
          ),
        );
      }
      return { tokens, etagRows: rows };
    },
  },
  {
    name: "insights_list",
    route: "GET /api/v1/insights",
    description: "the caller's insights, newest first, from the documents store (owner index)",
    storeBaseline: null,
    plan: (ctx) => signedIn(ctx, "sales", [get("/api/v1/insights?limit=20")]),
  },
  {
    name: "insight_create",
    route: "POST /api/v1/insights",
    description:
      "create an insight: outbox row, processing job and audit row in one transaction, then the document",
    storeBaseline: null,
    writes: true,
    plan: (ctx) =>
      signedIn(ctx, "sales", [{
        method: "POST",
        path: "/api/v1/insights",
        body: JSON.stringify({
          title: "Bench insight {run}{seq}",
          body: "Pricing review for Acme Corp enterprise plans, note {seq}",
          tags: ["bench", "pricing"],
        }),
      }]),
  },
  {
    name: "login",
    route: "POST /api/v1/auth/login",
    description: "sign in with e-mail and password (argon2id verify dominates)",
    storeBaseline: null,
    writes: true,
    minDurationS: 10,
    plan: () => {
      const requests: PlannedRequest[] = [];
      for (const group of ["admin", "sales", "director"] as const) {
        for (let n = 1; n <= GROUP_SIZE; n++) {
          requests.push({
            method: "POST",
            path: "/api/v1/auth/login",
            body: JSON.stringify({ email: benchEmail(group, n), password: BENCH_PASSWORD }),
          });
        }
      }
      return Promise.resolve({ requests });
    },
  },
];
