/**
 * The objects part of a backup: every bucket except `backups` copied under the run's prefix
 * (hashed while streaming), with an inventory line per object (bucket, key, size, SHA-256,
 * content type); and the way back.
 *
 * @module
 */
import type { ObjectStore } from "../../stores/objects/port.ts";
import { canonicalJson, Sha256 } from "./digest.ts";
import { BACKUP_BUCKET } from "./parts.ts";

export interface InventoryLine {
  bucket: string;
  key: string;
  size: number;
  sha256: string;
  content_type: string;
  metadata: Record<string, string>;
}

/** What of an inventory line the content digest covers: identity and bytes, not headers. */
export function inventoryDigestOf(line: string): string {
  const o = JSON.parse(line) as InventoryLine;
  return canonicalJson({ bucket: o.bucket, key: o.key, size: o.size, sha256: o.sha256 });
}

/** Buckets whose objects are backed up. */
export async function dataBuckets(objects: ObjectStore): Promise<string[]> {
  return (await objects.listBuckets()).filter((b) => b !== BACKUP_BUCKET).sort();
}

/** Every object of the data buckets, page by page, in bucket then key order. */
export async function* eachObject(
  objects: ObjectStore,
): AsyncGenerator<{ bucket: string; key: string; size: number }> {
  for (const bucket of await dataBuckets(objects)) {
    let after: string | undefined;
    while (true) {
      const page = await objects.list(bucket, "", { limit: 1000, startAfter: after });
      for (const o of page) yield { bucket, key: o.key, size: o.size };
      if (page.length < 1000) break;
      after = page[page.length - 1].key;
    }
  }
}

/** Counts objects (progress total); `signal` ends a long listing early. */
export async function countObjects(objects: ObjectStore, signal?: AbortSignal): Promise<number> {
  let n = 0;
  for await (const _ of eachObject(objects)) {
    if (n % 1000 === 0) signal?.throwIfAborted();
    n++;
  }
  return n;
}

function hashing(sha: Sha256): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream({
    transform(chunk, controller) {
      sha.update(chunk);
      controller.enqueue(chunk);
    },
  });
}

/** Where a copy of `bucket/key` lives inside a run. */
export const copyKey = (prefix: string, bucket: string, key: string) =>
  `${prefix}objects/${bucket}/${key}`;

/** Copies each object into the backups bucket and yields its inventory line. */
export async function* copyObjects(
  source: ObjectStore,
  prefix: string,
  onBytes?: (n: number) => void,
): AsyncGenerator<string> {
  for await (const o of eachObject(source)) {
    const { info, body } = await source.get(o.bucket, o.key);
    const sha = new Sha256();
    await source.put(
      BACKUP_BUCKET,
      copyKey(prefix, o.bucket, o.key),
      body.pipeThrough(hashing(sha)),
      {
        size: info.size,
        contentType: info.content_type,
      },
    );
    onBytes?.(info.size);
    const line: InventoryLine = {
      bucket: o.bucket,
      key: o.key,
      size: info.size,
      sha256: sha.hex(),
      content_type: info.content_type,
      metadata: info.metadata,
    };
    yield JSON.stringify(line) + "\n";
  }
}

/** SHA-256 of one stored object, streamed. */
export async function hashObject(
  objects: ObjectStore,
  bucket: string,
  key: string,
): Promise<{ sha256: string; size: number }> {
  const { body } = await objects.get(bucket, key);
  const sha = new Sha256();
  let size = 0;
  for await (const chunk of body) {
    sha.update(chunk);
    size += chunk.length;
  }
  return { sha256: sha.hex(), size };
}

/** The inventory of a live store, as restore's proof recomputes it. */
export async function* liveInventory(objects: ObjectStore): AsyncGenerator<string> {
  for await (const o of eachObject(objects)) {
    const { sha256, size } = await hashObject(objects, o.bucket, o.key);
    yield JSON.stringify({ bucket: o.bucket, key: o.key, size, sha256 }) + "\n";
  }
}

/** Puts one copied object back into `target`. */
export async function restoreObject(
  source: ObjectStore,
  target: ObjectStore,
  prefix: string,
  line: InventoryLine,
): Promise<void> {
  const { body } = await source.get(BACKUP_BUCKET, copyKey(prefix, line.bucket, line.key));
  await target.ensureBucket(line.bucket);
  await target.put(line.bucket, line.key, body, {
    size: line.size,
    contentType: line.content_type,
    metadata: line.metadata,
  });
}
