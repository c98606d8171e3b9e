// Shared steps for the insights scenarios: create insights through the API, drive the projector
// and the processing worker by hand, and read the graph.
import assert from "node:assert/strict";
import { json, type TestApi, type TestUser } from "../support/api.ts";
import { drainOnce } from "../../src/insights/projector.ts";
import { processOnce } from "../../src/insights/processing.ts";
import type { Insight } from "../../src/insights/schemas.ts";
import { insightCtx } from "../../src/insights/mod.ts";

export async function newCompany(api: TestApi): Promise<string> {
  const r = await api.stores.relational.query<{ id: string }>(
    "insert into companies (name) values ($1) returning id",
    [`Insight Co ${crypto.randomUUID().slice(0, 8)}`],
  );
  return r.rows[0].id;
}

export async function postInsight(
  api: TestApi,
  user: TestUser,
  body: Record<string, unknown>,
): Promise<Insight> {
  const res = await api.request("POST", "/api/v1/insights", { token: user.token, body });
  const out = await json<Insight>(res);
  assert.equal(res.status, 201, JSON.stringify(out));
  return out;
}

/** Runs projector passes until the outbox is empty (or fails after `rounds`). */
export async function drain(api: TestApi, owner = "test-projector", rounds = 50): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await drainOnce(api.stores, api.app.deps.log, { owner, maxBackoffMs: 50 });
    const r = await api.stores.relational.query<{ n: string }>(
      "select count(*)::text as n from insight_outbox where processed_at is null",
    );
    if (r.rows[0].n === "0") return;
    await new Promise((res) => setTimeout(res, 60));
  }
  throw new Error("the outbox did not drain");
}

/** Runs the processing worker until no job is due, then drains the outbox. */
export async function processAll(api: TestApi): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const n = await processOnce(insightCtx(api.app.deps), api.app.deps.log, { maxBackoffMs: 50 });
    if (n === 0) break;
  }
  await drain(api);
}
