// Drops a documents database on the MongoDB-protocol server, so a bench run starts from nothing:
// FerretDB 1.x scans whole collections for most queries, so what earlier runs left (thousands of
// insights) slowed the insight scenarios of later ones until every call hit the 5 s store timeout.
import { MongoClient } from "mongodb";

export async function dropDocumentsDatabase(url: string, name: string): Promise<void> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    await client.connect();
    await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}
