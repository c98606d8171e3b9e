import assert from "node:assert/strict";
import { jwtVerify, SignJWT } from "jose";
import { hs256Key, verifyHs256 } from "./hs256.ts";

const SECRET = "hs256-test-secret-0123456789-0123456789";
const raw = new TextEncoder().encode(SECRET);
const expect = { issuer: "iss-a", audience: "aud-a", required: ["exp", "iat", "jti", "sub"] };
const b64 = (v: unknown) =>
  btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");

async function jose(token: string, now: number): Promise<boolean> {
  try {
    await jwtVerify(token, raw, {
      algorithms: ["HS256"],
      issuer: expect.issuer,
      audience: expect.audience,
      requiredClaims: expect.required,
      currentDate: new Date(now * 1000),
    });
    return true;
  } catch {
    return false;
  }
}

Deno.test("verifyHs256 accepts and refuses what jose's jwtVerify does", async (t) => {
  const key = hs256Key(SECRET);
  const now = 1_800_000_000;
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT", ...header }).sign(raw);
  const good = { iss: "iss-a", aud: "aud-a", sub: "u", jti: "j", iat: now, exp: now + 60 };
  const cases: [string, string][] = [
    ["valid", await sign(good)],
    ["audience in a list", await sign({ ...good, aud: ["x", "aud-a"] })],
    ["expired at now", await sign({ ...good, exp: now })],
    ["expired", await sign({ ...good, exp: now - 1 })],
    ["nbf in the future", await sign({ ...good, nbf: now + 5 })],
    ["nbf reached", await sign({ ...good, nbf: now })],
    ["wrong issuer", await sign({ ...good, iss: "other" })],
    ["wrong audience", await sign({ ...good, aud: "other" })],
    ["no jti", await sign({ ...good, jti: undefined })],
    ["no exp", await sign({ ...good, exp: undefined })],
    ["iat not a number", await sign({ ...good, iat: "1" })],
    ["payload an array", `${b64({ alg: "HS256" })}.${b64([1])}.x`],
    [
      "HS512 with the same secret",
      await new SignJWT(good).setProtectedHeader({ alg: "HS512" }).sign(raw),
    ],
    ["alg none", `${b64({ alg: "none" })}.${b64(good)}.`],
    [
      "other secret",
      await new SignJWT(good).setProtectedHeader({ alg: "HS256" }).sign(raw.map((b) => b ^ 1)),
    ],
    ["garbage", "not.a.jwt"],
    ["two parts", "a.b"],
  ];
  const valid = cases[0][1];
  const [h, p, s] = valid.split(".");
  cases.push(["tampered payload", `${h}.${b64({ ...good, sub: "v" })}.${s}`]);
  cases.push(["tampered signature", `${h}.${p}.${s[0] === "A" ? "B" : "A"}${s.slice(1)}`]);
  for (const [name, token] of cases) {
    await t.step(name, async () => {
      assert.equal(verifyHs256(token, key, expect, now) !== null, await jose(token, now));
    });
  }

  await t.step("a crit header is refused (jose would refuse unknown extensions too)", async () => {
    const token = await sign(good, { crit: ["exp"], exp: 1 }).catch(() => null);
    if (token !== null) assert.equal(verifyHs256(token, key, expect, now), null);
    const forged = `${b64({ alg: "HS256", crit: ["x"], x: 1 })}.${p}.${s}`;
    assert.equal(verifyHs256(forged, key, expect, now), null);
  });

  await t.step("the payload comes back", () => {
    assert.deepEqual(verifyHs256(valid, key, expect, now), good);
  });
});
