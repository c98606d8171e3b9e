// What one store call costs the API's single JS thread: CPU microseconds per call through the
// project's own adapters (ioredis and npm:pg over Deno's node:net), 16 calls in flight, next to
// what an HTTP request costs with no store at all. Runs in its own process (main.ts spawns it with
// the server profile's settings); prints one JSON line.
import { cpuUsage } from "node:process";
import { openRedisCache } from "../src/stores/cache/redis.ts";
import { openPg } from "../src/stores/relational/pg.ts";

/** One kind of call and what it cost. */
export interface StoreCost {
  call: string;
  /** CPU time of this process per call (user + system), microseconds. */
  cpuUs: number;
  /** Wall-clock time per call with 16 in flight, microseconds. */
  wallUs: number;
}

async function measure(call: string, n: number, once: (i: number) => Promise<unknown>) {
  // Warm-up: connections, prepared statements, JIT.
  for (let i = 0; i < 500; i++) await once(i);
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) await once(next++);
  }));
  const wall = performance.now() - t0;
  const cpu = cpuUsage(cpu0);
  return { call, cpuUs: (cpu.user + cpu.system) / n, wallUs: (wall * 1000) / n };
}

/** Measures the calls a signed-in request makes, `n` of each. */
export async function storeCosts(
  databaseUrl: string,
  redisUrl: string,
  leadIds: string[],
  n = 20_000,
): Promise<StoreCost[]> {
  const cache = await openRedisCache({ url: redisUrl, timeoutMs: 5000 });
  const db = await openPg({
    url: databaseUrl,
    poolSize: 10,
    idleTimeoutMs: 30_000,
    statementTimeoutMs: 15_000,
    connectTimeoutMs: 5000,
  });
  try {
    await cache.set("bench:probe", "x".repeat(200), 600_000);
    return [
      await measure("cache.get (Redis GET, 200 B)", n, () => cache.get("bench:probe")),
      await measure(
        "cache.throttle (Redis EVALSHA, GCRA)",
        n,
        (i) => cache.throttle(`bench:throttle:${i % 64}`, 100_000_000, 60_000),
      ),
      await measure(
        "relational.query (select 1, prepared)",
        n,
        () => db.query("select 1 as one", [], { name: "bench_select_1" }),
      ),
      await measure(
        "relational.query (a lead by id, prepared)",
        n,
        (i) =>
          db.query("select * from leads where id = $1", [leadIds[i % leadIds.length]], {
            name: "bench_lead_by_id",
          }),
      ),
    ];
  } finally {
    await cache.del("bench:probe");
    await cache.close();
    await db.close();
  }
}

if (import.meta.main) {
  const [databaseUrl, redisUrl, idsFile] = Deno.args;
  const ids = (await Deno.readTextFile(idsFile)).split("\n").filter(Boolean);
  console.log(JSON.stringify(await storeCosts(databaseUrl, redisUrl, ids)));
}
