// Access tokens for the signed-in scenarios, obtained the way clients get them: POST
// /api/v1/auth/login as seeded bench users. Kept per group and renewed before they expire.
import { BENCH_PASSWORD, benchEmail, type UserGroup } from "./seed.ts";

/** Users per group that sign in; requests cycle through their tokens. */
export const USERS_PER_GROUP = 32;
// Access tokens live 15 minutes; renew well before, since one profile's run can take minutes.
const RENEW_AFTER_MS = 8 * 60 * 1000;

/** Signs in `email` and returns its access token. */
export async function login(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: BENCH_PASSWORD }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${text}`);
  const body = JSON.parse(text) as { access_token?: unknown };
  if (typeof body.access_token !== "string") throw new Error(`login ${email}: no access_token`);
  return body.access_token;
}

/** Tokens per user group for one running API. */
export class TokenPool {
  #got = new Map<UserGroup, { at: number; tokens: string[] }>();
  constructor(readonly baseUrl: string) {}

  /** Tokens of USERS_PER_GROUP users of `group`, signed in eight at a time. */
  async of(group: UserGroup): Promise<string[]> {
    const have = this.#got.get(group);
    if (have && Date.now() - have.at < RENEW_AFTER_MS) return have.tokens;
    const tokens: string[] = [];
    for (let i = 1; i <= USERS_PER_GROUP; i += 8) {
      const batch = Array.from({ length: 8 }, (_, k) => i + k).filter((n) => n <= USERS_PER_GROUP);
      tokens.push(
        ...await Promise.all(batch.map((n) => login(this.baseUrl, benchEmail(group, n)))),
      );
    }
    this.#got.set(group, { at: Date.now(), tokens });
    return tokens;
  }
}
