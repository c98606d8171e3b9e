// The MongoDB filter shape: conjunctions become one document FerretDB 1.x can push down, and stay
// `$and` where one document cannot say the same.
import assert from "node:assert/strict";
import { toMongoFilter } from "./filter_mongo.ts";
import { parseFilter } from "./filter_validate.ts";

Deno.test("toMongoFilter: conjunctions as one document where one document says the same", async (t) => {
  await t.step("an update's guard is top-level fields, not $and", () => {
    assert.deepEqual(toMongoFilter(parseFilter({ _id: "a", version: 3, deleted_at: null })), {
      _id: { $eq: "a" },
      version: { $eq: 3 },
      deleted_at: { $eq: null },
    });
  });
  await t.step("a range on one field merges its operators", () => {
    assert.deepEqual(
      toMongoFilter(parseFilter({ owner_id: "o", created_at: { $gte: 1, $lte: 9 } })),
      { owner_id: { $eq: "o" }, created_at: { $gte: 1, $lte: 9 } },
    );
  });
  await t.step("an $or inside, or an operator twice on a field, keeps $and", () => {
    const withOr = toMongoFilter(parseFilter({ a: 1, $or: [{ b: 1 }, { c: 2 }] }));
    assert.ok(Array.isArray(withOr.$and), JSON.stringify(withOr));
    const twice = toMongoFilter(parseFilter({ $and: [{ a: { $gt: 1 } }, { a: { $gt: 2 } }] }));
    assert.ok(Array.isArray(twice.$and), JSON.stringify(twice));
  });
});
