// npm:pg (through the project's relational adapter, exactly as the API runs it) against
// npm:postgres on the read-by-id query, same pool size and concurrency, straight at server
// Postgres. Bench-only: postgres is imported inline here and nowhere in the app.
// Inline on purpose: npm:postgres is a bench-only comparison, not a dependency of the API.
// deno-lint-ignore no-import-prefix
import postgres from "npm:postgres@3.4.9";
import { openPg } from "../src/stores/relational/pg.ts";

/** One driver at one concurrency. */
export interface DriverFigure {
  driver: string;
  concurrency: number;
  qps: number;
  p50Ms: number;
  p99Ms: number;
}

// The same statement the API runs for GET /leads/:id is not known to the bench; a primary-key
// read of the whole row is its core.
const SQL_PG = "select * from leads where id = $1";

async function drive(
  concurrency: number,
  durationS: number,
  ids: string[],
  once: (id: string) => Promise<unknown>,
): Promise<{ qps: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  const until = performance.now() + durationS * 1000;
  let next = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const id = ids[next++ % ids.length];
      const t = performance.now();
      await once(id);
      latencies.push(performance.now() - t);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { qps: latencies.length / elapsed, p50Ms: at(0.5), p99Ms: at(0.99) };
}

/**
 * Runs both drivers at each concurrency for `durationS` seconds (after a 1 s warm-up each), with
 * a pool of `poolSize` connections (the API's DB_POOL_SIZE default) and prepared statements.
 */
export async function compareDrivers(
  url: string,
  ids: string[],
  concurrencies: number[],
  durationS: number,
  poolSize = 10,
): Promise<DriverFigure[]> {
  const out: DriverFigure[] = [];
  const adapter = await openPg({
    url,
    poolSize,
    idleTimeoutMs: 30_000,
    statementTimeoutMs: 15_000,
    connectTimeoutMs: 5000,
  });
  const sql = postgres(url, { max: poolSize, prepare: true, idle_timeout: 30 });
  try {
    const viaPg = (id: string) => adapter.query(SQL_PG, [id], { name: "bench_lead_by_id" });
    const viaPostgres = (id: string) => sql`select * from leads where id = ${id}`;
    for (const c of concurrencies) {
      // Alternate which goes first so drift on a shared machine does not favour one.
      const order = c % 2 === 0
        ? [["npm:pg (adapter)", viaPg], ["npm:postgres", viaPostgres]] as const
        : [["npm:postgres", viaPostgres], ["npm:pg (adapter)", viaPg]] as const;
      for (const [driver, fn] of order) {
        await drive(c, 1, ids, fn);
        out.push({ driver, concurrency: c, ...await drive(c, durationS, ids, fn) });
      }
    }
  } finally {
    await adapter.close();
    await sql.end();
  }
  return out;
}
