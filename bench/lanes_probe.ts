// The relational adapter's statement paths side by side on server Postgres: CPU per statement with
// 16 in flight, and the latency of quick statements while two loops run 20 ms ones beside them.
// Usage: deno run -A bench/lanes_probe.ts [lanes=2] [stallMs=0] (DATABASE_URL from .services/env);
// lanes 0 is the pool alone. Prints one line per measure; docs/bench.md (eighth round) has figures.
import { cpuUsage } from "node:process";
import { openPg } from "../src/stores/relational/pg.ts";

const lanes = Number(Deno.args[0] ?? "2");
const stallMs = Number(Deno.args[1] ?? "0");
const url = Deno.env.get("DATABASE_URL");
if (!url) throw new Error("DATABASE_URL is not set (set -a; . .services/env; set +a)");
const db = await openPg({
  url,
  poolSize: 10,
  idleTimeoutMs: 30_000,
  statementTimeoutMs: 15_000,
  connectTimeoutMs: 5_000,
  pipelineLanes: lanes,
  pipelineStallMs: stallMs,
});
const quick = (i: number) => db.query("select $1::int as v", [i], { name: "lanes_probe" });
try {
  for (let i = 0; i < 2_000; i++) await quick(i);

  const n = 40_000;
  const cpu0 = cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next < n) await quick(next++);
  }));
  const cpu = cpuUsage(cpu0);
  console.log(
    `lanes=${lanes} stall=${stallMs}: CPU ${((cpu.user + cpu.system) / n).toFixed(1)} us ` +
      `per statement (user ${(cpu.user / n).toFixed(1)}, sys ${(cpu.system / n).toFixed(1)}), ` +
      `wall ${((performance.now() - t0) * 1000 / n).toFixed(1)} us, 16 in flight`,
  );

  let stop = false;
  const latencies: number[] = [];
  const slow = Array.from({ length: 2 }, async () => {
    while (!stop) await db.query("select pg_sleep(0.02)");
  });
  const fast = Array.from({ length: 8 }, async () => {
    while (!stop) {
      const t = performance.now();
      await quick(1);
      latencies.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1));
    }
  });
  await new Promise((r) => setTimeout(r, 3_000));
  stop = true;
  await Promise.all([...slow, ...fast]);
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.floor(latencies.length * p)].toFixed(2);
  console.log(
    `lanes=${lanes} stall=${stallMs}: quick statements beside 20 ms ones: ${latencies.length} ` +
      `in 3 s, p50 ${at(0.5)} ms, p90 ${at(0.9)}, p99 ${at(0.99)}`,
  );
} finally {
  await db.close();
}
