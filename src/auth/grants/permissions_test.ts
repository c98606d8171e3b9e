import assert from "node:assert/strict";
import { grants, mergePermissions } from "./permissions.ts";

Deno.test("grants follows the roles' permission JSON (sql/0009_reference_data)", async (t) => {
  await t.step("all grants everything", () => {
    assert.equal(grants({ all: true }, "finance", "delete"), true);
  });
  await t.step("a whole resource grants every action", () => {
    assert.equal(grants({ leads: true }, "leads", "delete"), true);
    assert.equal(grants({ leads: true }, "deals", "read"), false);
  });
  await t.step("per-action grants only those actions", () => {
    const p = { content: { read: true } };
    assert.equal(grants(p, "content", "read"), true);
    assert.equal(grants(p, "content", "create"), false);
  });
  await t.step("false and missing deny", () => {
    assert.equal(grants({ leads: false }, "leads", "read"), false);
    assert.equal(grants({}, "leads", "read"), false);
  });
});

Deno.test("mergePermissions unions roles", () => {
  const merged = mergePermissions([
    { leads: { read: true, create: true }, content: { create: true } },
    { leads: true, content: { read: true } },
    { projects: { read: true } },
  ]);
  assert.deepEqual(merged, {
    leads: true,
    content: { create: true, read: true },
    projects: { read: true },
  });
});
