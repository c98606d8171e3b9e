// Shared steps of the auth scenarios: registering, signing in, and checking problem answers.
import assert from "node:assert/strict";
import { json, type TestApi } from "../support/api.ts";
import { readUntil } from "../support/read_until.ts";

export interface Pair {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export const PASSWORD = "correct horse battery staple";

/** A unique e-mail for this run (the server profile shares its database between runs). */
export const uniqueEmail = (tag = "u") => `${tag}-${crypto.randomUUID()}@example.test`;

/** Registers an account; returns its id and e-mail. */
export async function register(
  api: TestApi,
  email = uniqueEmail(),
  password = PASSWORD,
): Promise<{ id: string; email: string }> {
  const res = await api.request("POST", "/api/v1/auth/register", {
    body: { email, password, full_name: "Test Person" },
  });
  const body = await json(res);
  assert.equal(res.status, 201, JSON.stringify(body));
  return { id: body.id as string, email: body.email as string };
}

/** Signs in with JSON credentials and returns the pair. */
export async function login(
  api: TestApi,
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Pair> {
  const res = await api.request("POST", "/api/v1/auth/login", {
    body: { email, password },
    headers,
  });
  const body = await json(res);
  assert.equal(res.status, 200, JSON.stringify(body));
  return body as unknown as Pair;
}

/** Asserts a problem+json answer with `status` (and `type` ending in `code` when given). */
export async function assertProblem(
  res: Response,
  status: number,
  code?: string,
): Promise<Record<string, unknown>> {
  const body = await json(res);
  assert.equal(res.status, status, JSON.stringify(body));
  assert.equal(res.headers.get("Content-Type"), "application/problem+json");
  assert.equal(body.status, status);
  assert.equal(typeof body.title, "string");
  assert.equal(typeof body.detail, "string");
  assert.ok("request_id" in body);
  if (code) assert.match(String(body.type), new RegExp(`/${code}$`));
  return body;
}

/** The status of GET /auth/me with `token`. */
export async function meStatus(api: TestApi, token: string): Promise<number> {
  const res = await api.request("GET", "/api/v1/auth/me", { token });
  await res.body?.cancel();
  return res.status;
}

/**
 * Asserts the token is refused now (embedded) or within `ms` on the servers: a change made in plain
 * SQL or on another instance reaches an instance's account memo by a NOTIFY, which travels on the
 * listener's own connection (README, "account state").
 */
export async function refused(
  api: TestApi,
  token: string,
  ms = api.profile === "embedded" ? 0 : 1000,
): Promise<void> {
  const last = await readUntil(() => meStatus(api, token), (status) => status === 401, {
    ms,
    everyMs: 10,
  });
  assert.equal(last, 401, `still ${last} after ${ms} ms`);
}
