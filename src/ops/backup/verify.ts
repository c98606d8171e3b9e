/**
 * Finding a backup by id in a bucket, reading its manifest, and verifying it: the manifest's own
 * checksum, then every part's SHA-256, item count and content digest, and every object copy's
 * SHA-256 against the inventory. A corrupted part is named.
 *
 * @module
 */
import { notFound, unprocessable } from "../../errors.ts";
import { isStoreError } from "../../stores/errors.ts";
import type { ObjectStore } from "../../stores/objects/port.ts";
import type { Manifest, VerifyPartResult, VerifyReport } from "../types.ts";
import { copyKey, hashObject, inventoryDigestOf, type InventoryLine } from "./objects.ts";
import { BACKUP_BUCKET, indexKey, inspectPart, readJson, readPartLines } from "./parts.ts";
import { MANIFEST, manifestChecksum } from "./run.ts";

/** The prefix of backup `id` in `objects` (404 when unknown). */
export async function locateBackup(objects: ObjectStore, id: string): Promise<string> {
  try {
    const index = await readJson(objects, indexKey(id)) as { prefix?: unknown };
    if (typeof index.prefix !== "string") throw unprocessable(`backup index of ${id} is damaged`);
    return index.prefix;
  } catch (err) {
    if (isStoreError(err, "not_found")) throw notFound(`no backup ${id}`);
    throw err;
  }
}

/** Reads a run's manifest (404 when missing: the run did not finish). */
export async function readManifest(objects: ObjectStore, prefix: string): Promise<Manifest> {
  try {
    const m = await readJson(objects, prefix + MANIFEST) as Manifest;
    if (m?.format !== "polystore-backup/1" || !Array.isArray(m.parts)) {
      throw unprocessable(`${prefix}${MANIFEST} is not a polystore backup manifest`);
    }
    return m;
  } catch (err) {
    if (isStoreError(err, "not_found")) throw notFound(`backup at ${prefix} has no manifest`);
    if (err instanceof SyntaxError) throw unprocessable(`${prefix}${MANIFEST} is not JSON`);
    throw err;
  }
}

/** Recomputes everything the manifest states. */
export async function verifyManifest(
  objects: ObjectStore,
  prefix: string,
  manifest: Manifest,
): Promise<VerifyReport> {
  const manifestOk = manifestChecksum(manifest) === manifest.manifest_sha256;
  const parts: VerifyPartResult[] = [];
  for (const p of manifest.parts) {
    const base = {
      path: p.path,
      store: p.store,
      expected_sha256: p.sha256,
      expected_count: p.count,
    };
    try {
      const got = await inspectPart(
        objects,
        prefix + p.path,
        p.store === "objects" ? inventoryDigestOf : undefined,
      );
      const reasons: string[] = [];
      if (got.sha256 !== p.sha256) reasons.push("checksum differs");
      if (got.count !== p.count) reasons.push(`holds ${got.count} items, not ${p.count}`);
      if (got.content_digest !== p.content_digest) reasons.push("content digest differs");
      parts.push({
        ...base,
        ok: reasons.length === 0,
        actual_sha256: got.sha256,
        actual_count: got.count,
        ...(reasons.length ? { reason: reasons.join("; ") } : {}),
      });
    } catch (err) {
      parts.push({
        ...base,
        ok: false,
        actual_sha256: null,
        actual_count: null,
        reason: isStoreError(err, "not_found")
          ? "missing"
          : `unreadable: ${err instanceof Error ? err.message : String(err)}`,
      });
      continue;
    }
    if (p.store === "objects" && parts[parts.length - 1].ok) {
      for await (const line of readPartLines(objects, prefix + p.path)) {
        const o = JSON.parse(line) as InventoryLine;
        const path = `objects/${o.bucket}/${o.key}`;
        const expected = {
          path,
          store: "objects" as const,
          expected_sha256: o.sha256,
          expected_count: 1,
        };
        try {
          const got = await hashObject(objects, BACKUP_BUCKET, copyKey(prefix, o.bucket, o.key));
          if (got.sha256 !== o.sha256 || got.size !== o.size) {
            parts.push({
              ...expected,
              ok: false,
              actual_sha256: got.sha256,
              actual_count: 1,
              reason: "checksum differs",
            });
          }
        } catch {
          parts.push({
            ...expected,
            ok: false,
            actual_sha256: null,
            actual_count: 0,
            reason: "missing",
          });
        }
      }
    }
  }
  const failed = parts.filter((p) => !p.ok).map((p) => p.path);
  if (!manifestOk) failed.unshift(MANIFEST);
  return {
    id: manifest.id,
    ok: manifestOk && failed.length === 0,
    manifest_ok: manifestOk,
    parts,
    failed,
  };
}
