// Readiness probe for scripts/services.sh: one real client request to FerretDB (MongoDB `ping`)
// or Neo4j (Bolt `RETURN 1`). Exits 0 when the server answered, 1 otherwise. Tooling, not app code.
import { MongoClient } from "mongodb";
import neo4j from "neo4j-driver";

async function probeMongo(url: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 2000, connectTimeoutMS: 2000 });
  try {
    const reply = await client.db("admin").command({ ping: 1 });
    if (reply.ok !== 1) throw new Error(`ping answered ${JSON.stringify(reply)}`);
  } finally {
    await client.close();
  }
}

async function probeBolt(url: string, user: string, password: string): Promise<void> {
  const driver = neo4j.driver(url, neo4j.auth.basic(user, password), {
    connectionTimeout: 2000,
    maxConnectionPoolSize: 1,
  });
  try {
    const result = await driver.executeQuery("RETURN 1 AS one");
    const one = result.records[0]?.get("one");
    if (neo4j.integer.toNumber(one) !== 1) throw new Error(`RETURN 1 gave ${String(one)}`);
  } finally {
    await driver.close();
  }
}

async function main(args: string[]): Promise<number> {
  const [kind, url, user, password] = args;
  try {
    if (kind === "mongo" && url) await probeMongo(url);
    else if (kind === "bolt" && url) await probeBolt(url, user ?? "neo4j", password ?? "");
    else {
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
