// The input edges of issue 16 on both profiles: bodies that are not UTF-8 are refused before any
// decoder mangles them, the Content-Security-Policy of API answers and of the Swagger UI page,
// and the common-password rule on every route that sets a password.
import assert from "node:assert/strict";
import { apiTest, createUser, json, type TestApi } from "../support/api.ts";
import { API_CSP, DOCS_ASSET_ORIGIN } from "../../src/http/csp.ts";
import { isCommonPassword } from "../../src/shared/common_passwords.ts";

/** `{"email":"<local>\xff@example.test", ...}` as raw bytes: one byte that is never UTF-8. */
function invalidUtf8Json(fields: Record<string, string>, bad: string): Uint8Array<ArrayBuffer> {
  const text = JSON.stringify(fields);
  const at = text.indexOf(bad) + bad.length;
  const enc = new TextEncoder();
  return new Uint8Array([...enc.encode(text.slice(0, at)), 0xff, ...enc.encode(text.slice(at))]);
}

function raw(
  api: TestApi,
  path: string,
  body: Uint8Array<ArrayBuffer>,
  type: string,
  token?: string,
) {
  const headers: Record<string, string> = { "Content-Type": type };
  if (token) headers.Authorization = `Bearer ${token}`;
  return api.app.request(path, { method: "POST", headers, body });
}

async function assertProblem(res: Response, status: number): Promise<Record<string, unknown>> {
  const body = await json(res);
  assert.equal(res.status, status, JSON.stringify(body));
  assert.match(res.headers.get("Content-Type") ?? "", /^application\/problem\+json/);
  assert.equal(body.status, status);
  assert.equal(typeof body.request_id, "string");
  return body;
}

apiTest("a body that is not UTF-8 is refused with 400, never stored", async (t, api) => {
  const admin = await createUser(api, { roles: ["admin"] });

  await t.step("register: 400 and no account under either spelling", async () => {
    const tag = `utf8-${crypto.randomUUID()}`;
    const body = invalidUtf8Json(
      { email: `${tag}@example.test`, password: "a long enough password", full_name: "Ana" },
      tag,
    );
    const problem = await assertProblem(
      await raw(api, "/api/v1/auth/register", body, "application/json"),
      400,
    );
    assert.match(String(problem.detail), /UTF-8/);
    const r = await api.stores.relational.query(
      `select count(*)::int as n from users where email like $1`,
      [`${tag}%`],
    );
    assert.equal(r.rows[0].n, 0);
  });

  await t.step("a CRM create: 400 and no row with a replacement character", async () => {
    const tag = `Acme ${crypto.randomUUID()}`;
    const res = await raw(
      api,
      "/api/v1/companies",
      invalidUtf8Json({ name: tag }, tag),
      "application/json; charset=utf-8",
      admin.token,
    );
    await assertProblem(res, 400);
    const r = await api.stores.relational.query(
      `select count(*)::int as n from companies where name like $1`,
      [`${tag}%`],
    );
    assert.equal(r.rows[0].n, 0);
  });

  await t.step("the OAuth2 login form: 400", async () => {
    const enc = new TextEncoder();
    const body = new Uint8Array([
      ...enc.encode("username=ana%40example.test&password=x"),
      0xc3,
      0x28,
    ]);
    await assertProblem(
      await raw(api, "/api/v1/auth/login", body, "application/x-www-form-urlencoded"),
      400,
    );
  });

  // With MinIO the signed URLs are MinIO's own, not this app's: the folder store's route only.
  if (api.profile === "embedded") {
    await t.step("an object upload is stored byte for byte, whatever its type", async () => {
      const key = `up/${crypto.randomUUID()}.json`;
      await api.stores.objects.ensureBucket("temp");
      const url = await api.stores.objects.signedPutUrl("temp", key, 60, {
        contentType: "application/json",
      });
      const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]);
      const res = await api.app.request(url, {
        method: "PUT",
        body: bytes,
        headers: { "Content-Type": "application/json" },
      });
      await res.body?.cancel();
      assert.equal(res.status, 200);
      const { body } = await api.stores.objects.get("temp", key);
      assert.deepEqual(new Uint8Array(await new Response(body).arrayBuffer()), bytes);
    });
  }

  await t.step("valid multi-byte UTF-8 is kept exactly", async () => {
    const name = `Ação Ñandú 東京 🚀 ${crypto.randomUUID()}`;
    const res = await api.request("POST", "/api/v1/companies", {
      token: admin.token,
      body: { name },
    });
    const row = await json(res);
    assert.equal(res.status, 201, JSON.stringify(row));
    assert.equal(row.name, name);
    const r = await api.stores.relational.query<{ name: string }>(
      `select name from companies where id = $1`,
      [row.id],
    );
    assert.equal(r.rows[0].name, name);
  });
});

apiTest("Content-Security-Policy on every answer; /docs may load its UI", async (t, api) => {
  await t.step("API answers, errors included, get the strict policy", async () => {
    for (
      const [path, status] of [
        ["/health", 200],
        ["/openapi.json", 200],
        ["/api/v1/no-such-thing", 404],
        ["/api/v1/auth/me", 401],
        ["/api/v1/companies?limit=0", 401],
      ] as const
    ) {
      const res = await api.request("GET", path);
      await res.body?.cancel();
      assert.equal(res.status, status, path);
      assert.equal(res.headers.get("Content-Security-Policy"), API_CSP, path);
    }
    const bad = await api.request("POST", "/api/v1/auth/register", { body: { email: 1 } });
    await assertProblem(bad, 422);
    assert.equal(bad.headers.get("Content-Security-Policy"), API_CSP);
  });

  await t.step("the Swagger UI page: its inline script by hash, its assets by origin", async () => {
    const res = await api.request("GET", "/docs");
    assert.equal(res.status, 200);
    const html = await res.text();
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    const directives = new Map(
      csp.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]),
    );
    assert.deepEqual(directives.get("default-src"), ["'none'"]);
    assert.deepEqual(directives.get("connect-src"), ["'self'"]);
    assert.deepEqual(directives.get("frame-ancestors"), ["'none'"]);
    const scriptSrc = directives.get("script-src") ?? [];
    assert.ok(!scriptSrc.includes("'unsafe-inline'"), csp);
    const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    assert.ok(inline.length > 0, "the page starts Swagger UI with an inline script");
    for (const code of inline) {
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code));
      assert.ok(scriptSrc.includes(`'sha256-${new Uint8Array(digest).toBase64()}'`), csp);
    }
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    const styles = [...html.matchAll(/<link rel="stylesheet" href="([^"]+)"/g)].map((m) => m[1]);
    assert.ok(scripts.length > 0 && styles.length > 0);
    for (const src of scripts) assert.ok(src.startsWith(`${DOCS_ASSET_ORIGIN}/`), src);
    for (const href of styles) {
      assert.ok(href.startsWith(`${DOCS_ASSET_ORIGIN}/`), href);
      assert.ok((directives.get("style-src") ?? []).includes(DOCS_ASSET_ORIGIN), csp);
    }
    assert.ok(scriptSrc.includes(DOCS_ASSET_ORIGIN), csp);
  });
});

apiTest("a common password is refused wherever a password is set", async (t, api) => {
  await t.step("register: 422 naming password, whatever the case", async () => {
    for (const password of ["qwertyqwerty", "QwertyQwerty", "1qaz2wsx3edc"]) {
      const res = await api.request("POST", "/api/v1/auth/register", {
        body: { email: `common-${crypto.randomUUID()}@example.test`, password, full_name: "A" },
      });
      const body = await assertProblem(res, 422);
      const errors = body.errors as { path: string; message: string }[];
      assert.deepEqual(errors.map((e) => e.path), ["password"], password);
      assert.match(errors[0].message, /common/);
    }
  });

  await t.step("a rare password of the same length is accepted", async () => {
    const res = await api.request("POST", "/api/v1/auth/register", {
      body: {
        email: `rare-${crypto.randomUUID()}@example.test`,
        password: "plum-vortex-41",
        full_name: "A",
      },
    });
    await res.body?.cancel();
    assert.equal(res.status, 201);
  });

  await t.step("password change: 422 naming new_password", async () => {
    const email = `change-${crypto.randomUUID()}@example.test`;
    const current = "a long enough password";
    const reg = await api.request("POST", "/api/v1/auth/register", {
      body: { email, password: current, full_name: "A" },
    });
    await reg.body?.cancel();
    assert.equal(reg.status, 201);
    const login = await json(
      await api.request("POST", "/api/v1/auth/login", { body: { email, password: current } }),
    );
    const res = await api.request("POST", "/api/v1/auth/password", {
      token: login.access_token as string,
      body: { current_password: current, new_password: "qazwsxedcrfv" },
    });
    const body = await assertProblem(res, 422);
    assert.deepEqual((body.errors as { path: string }[]).map((e) => e.path), ["new_password"]);
  });
});

Deno.test("the common-password list", () => {
  assert.ok(isCommonPassword("123qweasdzxc"));
  assert.ok(isCommonPassword("QWERTY123456"));
  assert.ok(!isCommonPassword("plum-vortex-41"));
  assert.ok(!isCommonPassword(""));
});
