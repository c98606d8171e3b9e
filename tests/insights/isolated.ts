// A server-profile setting of its own for tests that assert on the whole documents/graph drift:
// a fresh PostgreSQL database and MongoDB database on the shared servers (the graph is a private
// Neo4j the test starts), so other tests' insights never show up in the report.
import { openPg } from "../../src/stores/relational/pg.ts";
import { serverSetting } from "../support/profile.ts";

export interface Isolated {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function admin() {
  return await openPg({
    url: serverSetting("DATABASE_URL")!,
    poolSize: 1,
    idleTimeoutMs: 1000,
    statementTimeoutMs: 30_000,
    connectTimeoutMs: 5000,
  });
}

export async function isolatedDatabases(): Promise<Isolated> {
  const name = `ins_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const db = await admin();
  try {
    await db.query(`create database ${name}`);
  } finally {
    await db.close();
  }
  const url = new URL(serverSetting("DATABASE_URL")!);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString(), MONGODB_DB: name },
    async drop() {
      const db = await admin();
      try {
        await db.query(`drop database if exists ${name} with (force)`);
      } finally {
        await db.close();
      }
    },
  };
}
