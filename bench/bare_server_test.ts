// The same-answer baseline sends what the API's /health sends: same headers, same body.
import assert from "node:assert/strict";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger } from "../src/log.ts";
import { openStores } from "../src/stores/mod.ts";
import { API_HEALTH_HEADERS } from "./bare_server.ts";

Deno.test("bench bare server: its /health answer is the API's", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "polystore_bare_answer_" });
  const secret = "bench-bare-answer-secret-0123456789";
  const config = loadConfig({ DATABASE_URL: "memory://", DATA_DIR: dataDir, JWT_SECRET: secret });
  const log = createLogger("silent");
  const stores = await openStores(config, log, { signingKey: secret });
  try {
    const app = createApp(stores, config, { logger: log });
    const res = await app.request("/health");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '{"status":"ok"}');
    const names = (pairs: Iterable<[string, string]>) =>
      [...pairs].map(([k, v]) => [k.toLowerCase(), v] as const)
        .filter(([k]) => k !== "x-request-id").sort();
    assert.deepEqual(names(res.headers), names(API_HEALTH_HEADERS as [string, string][]));
    assert.match(res.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  } finally {
    await stores.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
