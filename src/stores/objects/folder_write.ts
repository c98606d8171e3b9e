/**
 * Atomic writes for the folder adapter: the body streams into a temp file (hashed on the way,
 * synced to disk), then the sidecar and the data file are renamed into place, data last, so a
 * reader sees the old object or the new one, never half of one.
 *
 * @module
 */
import { createMD5 } from "hash-wasm";
import { StoreError } from "../errors.ts";
import { fs, mapFsError } from "./folder_errors.ts";
import type { FolderLayout } from "./folder_layout.ts";
import { type Sidecar, toInfo, writeSidecarTmp } from "./folder_sidecar.ts";
import type { Body, ObjectInfo } from "./port.ts";

export interface WriteRequest {
  bucket: string;
  key: string;
  body: Body;
  contentType: string;
  metadata: Record<string, string>;
  /** The size the body must have, when the caller declared one. */
  size?: number;
  /** The object's time. */
  now: Date;
}

/** Writes one object; on any failure nothing of it remains (no object, sidecar or temp file). */
export async function writeObject(layout: FolderLayout, req: WriteRequest): Promise<ObjectInfo> {
  const { bucket, key } = req;
  const tmpData = layout.tmpPath();
  const tmpMeta = layout.tmpPath();
  try {
    const { size, etag } = await writeBody(tmpData, req.body);
    if (req.size !== undefined && size !== req.size) {
      throw new StoreError("invalid", "objects", `body has ${size} bytes, not ${req.size}`, {
        field: "size",
      });
    }
    const sidecar: Sidecar = {
      size,
      etag,
      content_type: req.contentType,
      last_modified: req.now.toISOString(),
      metadata: req.metadata,
    };
    await writeSidecarTmp(tmpMeta, sidecar);
    // The sidecar lands first: the data file is what makes the object exist.
    const metaPath = await layout.moveInto(tmpMeta, "meta", bucket, key);
    try {
      await layout.moveInto(tmpData, "data", bucket, key);
    } catch (err) {
      // No object came of it, so neither may its sidecar (it would block the key later).
      await Deno.remove(metaPath).catch(() => {});
      await layout.prune("meta", bucket, metaPath);
      throw err;
    }
    return toInfo(bucket, key, sidecar);
  } catch (err) {
    await Deno.remove(tmpData).catch(() => {});
    await Deno.remove(tmpMeta).catch(() => {});
    throw mapFsError(err, key);
  }
}

/** Streams `body` into a new file at `path`, hashing as it goes; the file is synced to disk. */
async function writeBody(path: string, body: Body): Promise<{ size: number; etag: string }> {
  const md5 = await createMD5();
  md5.init();
  const file = await fs(() => Deno.open(path, { write: true, createNew: true }));
  let size = 0;
  const write = async (chunk: Uint8Array) => {
    md5.update(chunk);
    size += chunk.length;
    for (let off = 0; off < chunk.length;) off += await fs(() => file.write(chunk.subarray(off)));
  };
  try {
    if (typeof body === "string") await write(new TextEncoder().encode(body));
    else if (body instanceof Uint8Array) await write(body);
    else {
      // Errors thrown by the caller's stream propagate unchanged, so the caller can tell its
      // own refusals (e.g. an upload over its size limit) from storage failures.
      for await (const chunk of body) {
        if (!(chunk instanceof Uint8Array)) {
          throw new StoreError("invalid", "objects", "body stream must yield Uint8Array chunks");
        }
        await write(chunk);
      }
    }
    await fs(() => file.syncData());
  } finally {
    file.close();
  }
  return { size, etag: md5.digest("hex") };
}
