// Readiness probe for scripts/services.sh: one real round trip to FerretDB (MongoDB ping) or
// Neo4j (a Bolt query) through the store adapters' own health checks. Exits 0 when it answered.
import { openMongoDocuments } from "../../src/stores/documents/mongo.ts";
import { openNeo4jGraph } from "../../src/stores/graph/neo4j.ts";
import type { StoreHealth } from "../../src/stores/health.ts";

async function probe(
  open: () => Promise<{ health(): Promise<StoreHealth>; close(): Promise<void> }>,
) {
  const store = await open();
  try {
    const h = await store.health();
    if (h.status !== "ok") throw new Error(h.detail ?? "down");
  } finally {
    await store.close();
  }
}

async function main(args: string[]): Promise<number> {
  const [kind, url, user, password] = args;
  try {
    if (kind === "mongo" && url) {
      await probe(() => openMongoDocuments({ url, db: "admin", timeoutMs: 2000 }));
    } else if (kind === "bolt" && url) {
      await probe(() =>
        openNeo4jGraph({ url, user: user ?? "neo4j", password: password ?? "", timeoutMs: 2000 })
      );
    } else {
      console.error("usage: probe.ts mongo <url> | bolt <url> <user> <password>");
      return 2;
    }
    return 0;
  } catch (e) {
    console.error(`${kind} probe failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

Deno.exit(await main(Deno.args));
