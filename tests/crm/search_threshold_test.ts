// The trigram threshold both relational adapters set on every session (session.ts), on both
// profiles: `%` needs similarity 0.4, so a name at 0.33 no longer matches a fuzzy search while a
// name at 0.65 still does, and every pooled connection has the setting, not only the first one.
import assert from "node:assert/strict";
import { TRGM_SIMILARITY_THRESHOLD } from "../../src/stores/relational/session.ts";
import { apiTest, createUser, json } from "../support/api.ts";
import { Fixtures } from "./fixtures.ts";

type Row = Record<string, unknown>;

apiTest("crm: fuzzy search threshold", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });
  const fx = new Fixtures(api, admin.token);

  await t.step("every session, pooled or in a transaction, has the threshold", async () => {
    const db = api.stores.relational;
    const limits = await Promise.all(
      Array.from(
        { length: 6 },
        () => db.query<{ l: number }>("select show_limit() as l").then((r) => r.rows[0].l),
      ),
    );
    limits.push(
      await db.transaction(async (tx) =>
        (await tx.query<{ l: number }>("select show_limit() as l")).rows[0].l
      ),
    );
    for (const l of limits) assert.ok(Math.abs(l - TRGM_SIMILARITY_THRESHOLD) < 1e-6, `${l}`);
  });

  await t.step("a name below the threshold is not a fuzzy match; one above is", async () => {
    const close = await fx.company({ name: "Quixada Tur" }); // similarity 0.65
    const far = await fx.company({ name: "Quixada Transportes" }); // similarity 0.33
    const res = await api.request(
      "GET",
      `/api/v1/companies?q=${encodeURIComponent("Quixada Turismo")}&limit=200`,
      {
        token: admin.token,
      },
    );
    assert.equal(res.status, 200);
    const ids = (await json<{ items: Row[] }>(res)).items.map((r) => r.id);
    assert.ok(ids.includes(close.id));
    assert.ok(!ids.includes(far.id));
  });
});
