/**
 * Shared schema parts: trimmed text states its rules on the text as sent, so the document's
 * pattern and the server agree on every value (a fuzzer builds values from the pattern alone).
 *
 * @module
 */
import assert from "node:assert/strict";
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { trimmedText } from "./openapi.ts";

type StringDoc = { maxLength?: number; minLength?: number; pattern?: string };

/** The schema of `q` as /openapi.json states it, through the same generator as the app. */
function createDocument(schema: z.ZodType): StringDoc {
  const app = new OpenAPIHono();
  app.openapi(
    createRoute({
      method: "get",
      path: "/",
      request: { query: z.object({ q: schema }) },
      responses: { 204: { description: "none" } },
    }),
    (c) => c.body(null, 204),
  );
  const doc = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "t", version: "1" } });
  const param = doc.paths?.["/"]?.get?.parameters?.[0] as { schema: StringDoc };
  return param.schema;
}

Deno.test("trimmedText", async (t) => {
  const schema = trimmedText(5);

  await t.step("trims what it keeps", () => {
    assert.equal(schema.parse("  ab\t"), "ab");
    assert.equal(schema.parse("a b"), "a b");
  });

  await t.step("refuses blank text, NUL and text over the limit as sent", () => {
    for (
      const bad of [
        "",
        " ",
        "\r",
        "\u00a0\ufeff",
        "\u2028",
        "\u001c",
        "a\u0000",
        "abcdef",
        " abcde",
      ]
    ) {
      assert.equal(schema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  await t.step("a long value is refused without backtracking over it", () => {
    const long = trimmedText(2_000_000);
    for (const bad of [" ".repeat(1_000_000), "a ".repeat(500_000) + "\u0000"]) {
      assert.equal(long.safeParse(bad).success, false);
    }
  });

  await t.step("the document's rules give the same verdict as the server on every value", () => {
    // As /openapi.json has it: one pattern per string (a second one would not reach the document).
    const doc = createDocument(schema);
    assert.equal(typeof doc.pattern, "string");
    const pattern = new RegExp(doc.pattern!, "u");
    const values = [
      "",
      "ok",
      "\r",
      " \ufeff ",
      "\u0085",
      "\u001f",
      " x ",
      "x\u0000",
      "abcde",
      "abcdef",
      "  abc",
    ];
    for (const value of values) {
      const byDocument = value.length <= doc.maxLength! && pattern.test(value) &&
        value.length >= (doc.minLength ?? 0);
      assert.equal(byDocument, schema.safeParse(value).success, JSON.stringify(value));
    }
  });
});
