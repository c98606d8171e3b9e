import assert from "node:assert/strict";
import { loadOrCreateSecret } from "./secret_file.ts";

Deno.test("loadOrCreateSecret makes one secret and keeps it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const [a, b] = await Promise.all([loadOrCreateSecret(dir), loadOrCreateSecret(dir)]);
    assert.equal(a, b);
    assert.ok(a.length >= 32);
    assert.equal(await loadOrCreateSecret(dir), a);
    assert.equal((await Deno.stat(`${dir}/jwt_secret`)).mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
