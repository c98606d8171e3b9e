/**
 * Restore: a verified backup loaded into this deployment through the ports, refusing a target
 * that holds data unless forced with the id typed back, then the proof.
 *
 * @module
 */
import { conflict, unprocessable } from "../../errors.ts";
import type { ObjectStore } from "../../stores/objects/port.ts";
import type { Stores } from "../../stores/types.ts";
import type { OpsContext, RestoreOptions, RestoreReport, StoreRole } from "../types.ts";
import { ROLES } from "./catalogue.ts";
import { dataBuckets, type InventoryLine, restoreObject } from "./objects.ts";
import { readPartLines } from "./parts.ts";
import { proveRestore } from "./proof.ts";
import { relationalHasData, restoreRelational, schemaVersion } from "./relational.ts";
import { locateBackup, readManifest, verifyManifest } from "./verify.ts";

/** Which stores of the target already hold data (users, documents, graph items, objects). */
export async function nonEmptyStores(stores: Stores): Promise<StoreRole[]> {
  const out: StoreRole[] = [];
  if (await relationalHasData(stores.relational)) out.push("relational");
  for (const name of await stores.documents.listCollections()) {
    if (await stores.documents.collection(name).count() > 0) {
      out.push("documents");
      break;
    }
  }
  const g = await stores.graph.counts();
  if (g.nodes + g.edges > 0) out.push("graph");
  for (const bucket of await dataBuckets(stores.objects)) {
    if ((await stores.objects.list(bucket, "", { limit: 1 })).length > 0) {
      out.push("objects");
      break;
    }
  }
  return out;
}

async function clearGraph(ctx: OpsContext): Promise<void> {
  const nodes: { label: string; id: string }[] = [];
  for await (const chunk of ctx.stores.graph.exportNdjson()) {
    for (const line of chunk.split("\n")) {
      if (line.trim() === "") continue;
      const item = JSON.parse(line) as { kind: string; label?: string; id?: string };
      if (item.kind === "node" && item.label && item.id) {
        nodes.push({ label: item.label, id: item.id });
      }
    }
  }
  for (const n of nodes) await ctx.stores.graph.deleteNode(n);
}

/** Restores backup `id` (read from `opts.source`, default this deployment's objects). */
export async function restoreFromBackup(
  ctx: OpsContext,
  id: string,
  opts: RestoreOptions = {},
): Promise<RestoreReport> {
  const source: ObjectStore = opts.source ?? ctx.stores.objects;
  const prefix = await locateBackup(source, id);
  const manifest = await readManifest(source, prefix);
  const verified = await verifyManifest(source, prefix, manifest);
  if (!verified.ok) {
    throw unprocessable(`backup ${id} does not verify: ${verified.failed.join(", ")}`);
  }
  const { stores } = ctx;
  // Force always needs the id typed back, whether or not the target turns out to hold data.
  if (opts.force && opts.confirmId !== id) {
    throw unprocessable("force needs the backup id typed back", [
      { path: "confirm_id", message: "must equal the backup id" },
    ]);
  }
  const occupied = await nonEmptyStores(stores);
  if (occupied.length > 0 && !opts.force) {
    throw conflict(
      `the target is not empty (${occupied.join(", ")}); restore with force and the backup id`,
    );
  }
  const target = await schemaVersion(stores.relational);
  if (target < manifest.schema_version) {
    throw conflict(
      `the target's schema is at ${target}, the backup's at ${manifest.schema_version}: migrate first`,
    );
  }
  const restored = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<StoreRole, number>;
  const partsOf = (role: StoreRole) => manifest.parts.filter((p) => p.store === role);

  const tables = partsOf("relational");
  const pathOf = new Map(tables.map((p) => [p.name, prefix + p.path]));
  restored.relational = await restoreRelational(
    stores.relational,
    tables.map((p) => p.name),
    (table) => readPartLines(source, pathOf.get(table)!),
  );

  for (const p of partsOf("documents")) {
    if (opts.force) await stores.documents.dropCollection(p.name);
    restored.documents += await stores.documents.collection(p.name).importNdjson(
      readPartLines(source, prefix + p.path),
    );
  }

  if (opts.force) await clearGraph(ctx);
  for (const p of partsOf("graph")) {
    const n = await stores.graph.importNdjson(readPartLines(source, prefix + p.path));
    restored.graph += n.nodes + n.edges;
  }

  for (const p of partsOf("objects")) {
    for await (const line of readPartLines(source, prefix + p.path)) {
      await restoreObject(source, stores.objects, prefix, JSON.parse(line) as InventoryLine);
      restored.objects++;
    }
  }
  ctx.log.info("backup restored", { id, restored });
  const proof = await proveRestore(ctx, manifest);
  return { id, restored, proof };
}
