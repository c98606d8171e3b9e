// Where the framework floor goes: in-process CPU time per GET /health through a Hono router with
// the middleware of src/app.ts added one at a time (same factories, same order), then through the
// real createApp, plus one access-token verification. Minimum of several interleaved rounds, so
// other load on the machine inflates no figure.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { createApp } from "../src/app.ts";
import { createTokenService } from "../src/auth/mod.ts";
import { loadConfig } from "../src/config.ts";
import { accessLog } from "../src/http/access_log.ts";
import { guard } from "../src/http/guard.ts";
import { createHttpMetrics } from "../src/http/metrics.ts";
import { createRouter } from "../src/http/openapi.ts";
import { observeRequests } from "../src/http/observe.ts";
import { answerHeaders } from "../src/http/answer_headers.ts";
import { createLogger, type Logger } from "../src/log.ts";
import { openStores } from "../src/stores/mod.ts";

/** Microseconds of CPU per request for one configuration. */
export interface LayerCost {
  name: string;
  us: number;
}

type Handler = { fetch(req: Request): Response | Promise<Response> };

function chain(layers: number, log: Logger): Handler {
  const app = createRouter();
  const metrics = createHttpMetrics();
  const steps: (() => void)[] = [
    () => app.use("*", observeRequests(accessLog(log), metrics)),
    () =>
      app.use(
        "*",
        answerHeaders({
          pages: ["/docs"],
          cors: {
            origin: [],
            allowHeaders: ["Authorization", "Content-Type", "If-Match", "X-Request-Id"],
            exposeHeaders: ["X-Request-Id", "ETag", "Location"],
            maxAge: 600,
          },
        }),
      ),
    () => app.use("*", bodyLimit({ maxSize: 1 << 20 })),
    () => app.use("*", guard({ "GET /health": "public" }, () => Promise.resolve(null))),
  ];
  for (let i = 0; i < layers; i++) steps[i]();
  app.get("/health", (c) => c.json({ status: "ok" }));
  return app;
}

async function perRequestUs(h: Handler, n: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await h.fetch(new Request("http://127.0.0.1/health"));
    await res.arrayBuffer();
  }
  return ((performance.now() - t) * 1000) / n;
}

/** Measures every configuration `rounds` times, interleaved, and keeps each one's minimum. */
export async function layerCosts(rounds = 7, n = 3000): Promise<LayerCost[]> {
  // Log lines go to /dev/null synchronously, as console.log to a file does in the API.
  const devNull = await Deno.open("/dev/null", { write: true });
  const enc = new TextEncoder();
  const sink = (line: string) => void devNull.writeSync(enc.encode(line + "\n"));
  const info = createLogger("info", sink);
  const warn = createLogger("warn", sink);

  const dataDir = await Deno.makeTempDir({ prefix: "polystore_bench_layers_" });
  const secret = "bench-layers-secret-0123456789-0123456789";
  const config = loadConfig({ DATABASE_URL: "memory://", DATA_DIR: dataDir, JWT_SECRET: secret });
  const stores = await openStores(config, warn, { signingKey: secret });
  const plain = new Hono();
  plain.get("/health", (c) => c.json({ status: "ok" }));
  const names = [
    "plain Hono",
    "OpenAPI router",
    "+ observeRequests (id, metrics, access log at info)",
    "+ answerHeaders (CSP, security headers, CORS without origins)",
    "+ bodyLimit",
    "+ guard",
    "same chain, LOG_LEVEL=warn",
    "real createApp",
  ];
  const handlers: Handler[] = [
    plain,
    ...[0, 1, 2, 3, 4].map((k) => chain(k, info)),
    chain(4, warn),
    createApp(stores, config, { logger: info }),
  ];
  const tokens = createTokenService(secret);
  const { token } = await tokens.signAccess(crypto.randomUUID(), { sessionId: "s" });
  const best = handlers.map(() => Infinity);
  let verifyUs = Infinity;
  try {
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < handlers.length; i++) {
        best[i] = Math.min(best[i], await perRequestUs(handlers[i], n));
      }
      const t = performance.now();
      for (let i = 0; i < n; i++) await tokens.verifyAccess(token);
      verifyUs = Math.min(verifyUs, ((performance.now() - t) * 1000) / n);
    }
  } finally {
    await stores.close();
    devNull.close();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  return [
    ...names.map((name, i) => ({ name, us: best[i] })),
    { name: "one access-token verification (tokens.verifyAccess)", us: verifyUs },
  ];
}

if (import.meta.main) console.log(JSON.stringify(await layerCosts()));
