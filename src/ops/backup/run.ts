/**
 * One backup run: each store through its port into `backups/{timestamp}/`, progress saved as it
 * goes, then manifest.json with every part's SHA-256 and its own checksum. A failed part fails
 * the run with its reason.
 *
 * @module
 */
import type { Collection } from "../../stores/documents/port.ts";
import type { Manifest, ManifestPart, OpsContext, StoreProgress, StoreRole } from "../types.ts";
import { finishRun, ROLES, saveProgress } from "./catalogue.ts";
import { sha256Hex } from "./digest.ts";
import { copyObjects, countObjects, inventoryDigestOf } from "./objects.ts";
import { BACKUP_BUCKET, indexKey, writeJson, writePart } from "./parts.ts";
import {
  countRows,
  dumpTable,
  listTables,
  outboxPositions,
  schemaVersion,
  withDumpSnapshot,
} from "./relational.ts";

export const MANIFEST = "manifest.json";

/** Why the cache part holds no keys: recorded in every manifest. */
export const CACHE_NOTE =
  "no durable keys: Redis holds only what can be rebuilt (sessions and refresh families live in " +
  "Postgres; counters, rate limits, locks and read-through entries rebuild or expire)";

/** The `backups/{timestamp}/` prefix of a run started at `ms`. */
export function runPrefix(ms: number): string {
  return `backups/${new Date(ms).toISOString().replace(/[:.]/g, "-")}/`;
}

/** The manifest's own checksum: SHA-256 of it serialised with `manifest_sha256` empty. */
export function manifestChecksum(m: Manifest): string {
  return sha256Hex(JSON.stringify({ ...m, manifest_sha256: "" }));
}

/**
 * Runs the backup; resolves when done (the catalogue row says how it ended). Stops between items
 * once `ctx.backups` is stopping, and records the run failed with that reason.
 */
export async function runBackup(
  ctx: OpsContext,
  run: { id: string; prefix: string; startedMs: number },
): Promise<Manifest | null> {
  const { stores } = ctx;
  const db = stores.relational;
  const stopping = ctx.backups?.signal;
  const progress: Record<StoreRole, StoreProgress> = Object.fromEntries(
    ROLES.map((r) => [r, { state: "pending", done: 0, total: null }]),
  ) as Record<StoreRole, StoreProgress>;
  const parts: ManifestPart[] = [];
  let size = 0;
  let lastSave = 0;
  // The save in flight, awaited before the run's end is written so it cannot land after it.
  let saving: Promise<void> = Promise.resolve();
  const save = (force = false) => {
    const t = Date.now();
    if (!force && t - lastSave < 500) return saving;
    lastSave = t;
    saving = saving.then(() =>
      saveProgress(db, run.id, progress, size).catch((err) =>
        ctx.log.warn("backup progress not saved", { id: run.id, error: String(err) })
      )
    );
    return saving;
  };
  const tick = (role: StoreRole) => () => {
    stopping?.throwIfAborted();
    progress[role].done++;
    void save();
  };
  const part = async (
    role: StoreRole,
    name: string,
    path: string,
    lines: AsyncIterable<string>,
    digestOf?: (line: string) => string,
  ) => {
    stopping?.throwIfAborted();
    const written = await writePart(stores.objects, run.prefix + path, lines, {
      onItem: tick(role),
      digestOf,
    });
    size += written.size_bytes;
    parts.push({ store: role, name, path, ...written });
  };
  let current: StoreRole = "relational";
  const begin = async (role: StoreRole, total: number | null) => {
    stopping?.throwIfAborted();
    current = role;
    progress[role] = { state: "running", done: 0, total };
    await save(true);
  };
  const done = async (role: StoreRole) => {
    progress[role].state = "done";
    await save(true);
  };

  try {
    stopping?.throwIfAborted();
    await stores.objects.ensureBucket(BACKUP_BUCKET);
    // Relational: every table, one part each, over one snapshot where the adapter allows.
    const meta = await withDumpSnapshot(db, async (q) => {
      const tables = await listTables(q);
      let total = 0;
      for (const t of tables) {
        stopping?.throwIfAborted();
        total += await countRows(q, t.name);
      }
      await begin("relational", total);
      for (const t of tables) {
        await part("relational", t.name, `relational/${t.name}.ndjson.gz`, dumpTable(q, t));
      }
      return { schema: await schemaVersion(q), outbox: await outboxPositions(q) };
    });
    await done("relational");

    // Documents: every collection through the port's export.
    const names = (await stores.documents.listCollections()).sort();
    const collections: Collection[] = names.map((n) => stores.documents.collection(n));
    let docTotal = 0;
    for (const c of collections) docTotal += await c.count();
    await begin("documents", docTotal);
    for (const c of collections) {
      await part("documents", c.name, `documents/${c.name}.ndjson.gz`, c.exportNdjson());
    }
    await done("documents");

    // Graph: nodes then edges through the port's export.
    const counts = await stores.graph.counts();
    await begin("graph", counts.nodes + counts.edges);
    await part("graph", "graph", "graph/graph.ndjson.gz", stores.graph.exportNdjson());
    await done("graph");

    // Cache: nothing durable by design; an empty part records the choice.
    await begin("cache", 0);
    await part("cache", "cache", "cache/keys.ndjson.gz", (async function* () {})());
    await done("cache");

    // Objects: copies plus an inventory.
    await begin("objects", await countObjects(stores.objects, stopping));
    await part(
      "objects",
      "inventory",
      "objects/inventory.ndjson.gz",
      copyObjects(stores.objects, run.prefix, (n) => size += n),
      inventoryDigestOf,
    );
    await done("objects");

    const finishedMs = ctx.now();
    const storeTotals = Object.fromEntries(ROLES.map((role) => {
      const mine = parts.filter((p) => p.store === role);
      return [role, {
        count: mine.reduce((a, p) => a + p.count, 0),
        size_bytes: mine.reduce((a, p) => a + p.size_bytes, 0),
        parts: mine.length,
        ...(role === "cache" ? { note: CACHE_NOTE } : {}),
      }];
    })) as Manifest["stores"];
    const manifest: Manifest = {
      format: "polystore-backup/1",
      id: run.id,
      started_at: new Date(run.startedMs).toISOString(),
      finished_at: new Date(finishedMs).toISOString(),
      schema_version: meta.schema,
      adapters: Object.fromEntries(ROLES.map((r) => [r, stores[r].adapter])) as Manifest[
        "adapters"
      ],
      stores: storeTotals,
      parts,
      outbox: meta.outbox,
      manifest_sha256: "",
    };
    manifest.manifest_sha256 = manifestChecksum(manifest);
    await saving;
    size += (await writeJson(stores.objects, run.prefix + MANIFEST, manifest)).size_bytes;
    await writeJson(stores.objects, indexKey(run.id), { id: run.id, prefix: run.prefix });
    await finishRun(db, run.id, {
      state: "succeeded",
      finishedMs,
      progress,
      sizeBytes: size,
      manifestSha256: manifest.manifest_sha256,
    });
    ctx.log.info("backup succeeded", { id: run.id, prefix: run.prefix, size_bytes: size });
    return manifest;
  } catch (err) {
    const reason = `${current}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 1000);
    progress[current] = { ...progress[current], state: "failed", error: reason };
    ctx.log.error("backup failed", { id: run.id, error: reason });
    await saving;
    await finishRun(db, run.id, {
      state: "failed",
      finishedMs: ctx.now(),
      progress,
      sizeBytes: size,
      error: reason,
    }).catch((e) => ctx.log.error("backup failure not recorded", { id: run.id, error: String(e) }));
    return null;
  }
}
