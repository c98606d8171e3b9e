// Builds the rows a resource's required references need, through the API as an admin, with unique
// values so scenarios can share the server profile's database between runs.
import assert from "node:assert/strict";
import { json, type TestApi } from "../support/api.ts";

type Row = Record<string, unknown>;

/** A short unique tag for names, numbers and filter values. */
export const tag = () => crypto.randomUUID().replace(/-/g, "").slice(0, 12);

/** Creates rows as `token`'s user; each helper returns the created row. */
export class Fixtures {
  constructor(readonly api: TestApi, readonly token: string) {}

  /** POSTs `body` to `/api/v1/{path}` and returns the created row (fails unless 201). */
  async post(path: string, body: Row, token = this.token): Promise<Row> {
    const res = await this.api.request("POST", `/api/v1/${path}`, { token, body });
    const out = await json(res);
    assert.equal(res.status, 201, `POST ${path}: ${JSON.stringify(out)}`);
    return out;
  }

  company(extra: Row = {}) {
    return this.post("companies", { name: `Company ${tag()}`, ...extra });
  }
  contact(extra: Row = {}) {
    return this.post("contacts", { full_name: `Contact ${tag()}`, ...extra });
  }
  lead(extra: Row = {}) {
    return this.post("leads", { source: "website", ...extra });
  }
  stage(extra: Row = {}) {
    const t = tag();
    return this.post("pipeline-stages", {
      name: `Stage ${t}`,
      slug: `s-${t}`,
      sort_order: 50,
      ...extra,
    });
  }
  async deal(extra: Row = {}) {
    const stage_id = extra.stage_id ?? (await this.stage()).id;
    return this.post("deals", { title: `Deal ${tag()}`, stage_id, ...extra });
  }
  async contract(extra: Row = {}) {
    const company_id = extra.company_id ?? (await this.company()).id;
    return this.post("contracts", {
      contract_number: `C-${tag()}`,
      company_id,
      title: "Video production",
      total_value: 1000,
      ...extra,
    });
  }
  async project(extra: Row = {}) {
    const company_id = extra.company_id ?? (await this.company()).id;
    return this.post("projects", { name: `Project ${tag()}`, company_id, ...extra });
  }
  async sprint(extra: Row = {}) {
    const project_id = extra.project_id ?? (await this.project()).id;
    return this.post("sprints", {
      project_id,
      name: `Sprint ${tag()}`,
      start_date: "2026-01-05",
      end_date: "2026-01-19",
      ...extra,
    });
  }
  async task(extra: Row = {}) {
    const project_id = extra.project_id ?? (await this.project()).id;
    return this.post("tasks", { project_id, title: `Task ${tag()}`, ...extra });
  }
  equipment(extra: Row = {}) {
    return this.post("equipment", { name: `Camera ${tag()}`, category: "camera", ...extra });
  }
  async invoice(extra: Row = {}) {
    const company_id = extra.company_id ?? (await this.company()).id;
    return this.post("invoices", {
      invoice_number: `I-${tag()}`,
      company_id,
      subtotal: 100,
      total: 100,
      due_date: "2026-02-01",
      ...extra,
    });
  }
  async payment(extra: Row = {}) {
    const invoice_id = extra.invoice_id ?? (await this.invoice()).id;
    return this.post("payments", { invoice_id, amount: 50.5, method: "pix", ...extra });
  }
  expense(extra: Row = {}) {
    return this.post("expenses", {
      category: "transport",
      description: "Taxi to the set",
      amount: 42.1,
      expense_date: "2026-01-10",
      ...extra,
    });
  }
  supplier(extra: Row = {}) {
    return this.post("suppliers", { name: `Supplier ${tag()}`, ...extra });
  }
  async budget(extra: Row = {}) {
    const company_id = extra.company_id ?? (await this.company()).id;
    return this.post("budgets", {
      company_id,
      title: `Budget ${tag()}`,
      subtotal: 900,
      total: 1000,
      ...extra,
    });
  }
  contentPiece(extra: Row = {}) {
    return this.post("content-pieces", {
      title: `Post ${tag()}`,
      content_type: "instagram_post",
      body: "Behind the scenes",
      ...extra,
    });
  }
  async socialPost(extra: Row = {}) {
    const content_piece_id = extra.content_piece_id ?? (await this.contentPiece()).id;
    return this.post("social-posts", { content_piece_id, platform: "instagram", ...extra });
  }
  agent(extra: Row = {}) {
    const t = tag();
    return this.post("agents", {
      name: `Agent ${t}`,
      slug: `agent-${t}`,
      crew: "sales",
      model_primary: "model-a",
      ...extra,
    });
  }
}

/** Number of audit rows naming `resourceId`. */
export async function auditCount(api: TestApi, resourceId: string): Promise<number> {
  const r = await api.stores.relational.query<{ n: number }>(
    "select count(*)::int as n from audit_logs where resource_id = $1",
    [resourceId],
  );
  return r.rows[0].n;
}

/** Walks every page of `url` (which has a limit) and returns the ids in order. */
export async function walk(api: TestApi, token: string, url: string): Promise<string[]> {
  const ids: string[] = [];
  let next: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = url.includes("?") ? "&" : "?";
    const res = await api.request(
      "GET",
      next === null ? url : `${url}${sep}cursor=${encodeURIComponent(next)}`,
      { token },
    );
    const body = await json<{ items: Row[]; next_cursor: string | null }>(res);
    assert.equal(res.status, 200, `${url}: ${JSON.stringify(body)}`);
    ids.push(...body.items.map((r) => String(r.id)));
    next = body.next_cursor;
    if (next === null) return ids;
  }
  throw new Error(`${url}: more than 100 pages`);
}
