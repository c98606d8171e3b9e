/**
 * Writing and reading backup parts: NDJSON lines gzip-compressed through a temp file (hashed on
 * the way, so nothing is held whole in memory), uploaded with their size; and read back as lines.
 *
 * @module
 */
import type { ObjectStore } from "../../stores/objects/port.ts";
import { linesOf, SetDigest, Sha256 } from "./digest.ts";

export const BACKUP_BUCKET = "backups";

/** Where a run's id points to its prefix, so any deployment reading the bucket can find it. */
export const indexKey = (id: string) => `backups/index/${id}.json`;

/** What one written part holds, for the manifest. */
export interface WrittenPart {
  count: number;
  size_bytes: number;
  sha256: string;
  content_digest: string;
}

/**
 * Writes `lines` (chunks of NDJSON) as a gzip part at `key` in the backups bucket. `digestOf`
 * picks what of each line counts for the content digest (default: the whole line, canonical).
 */
export async function writePart(
  objects: ObjectStore,
  key: string,
  lines: AsyncIterable<string>,
  options: { onItem?: () => void; digestOf?: (line: string) => string } = {},
): Promise<WrittenPart> {
  const encoder = new TextEncoder();
  const digest = new SetDigest();
  const source = ReadableStream.from((async function* () {
    for await (const line of linesOf(lines)) {
      if (options.digestOf) digest.add(options.digestOf(line));
      else digest.addJsonLine(line);
      options.onItem?.();
      yield encoder.encode(line + "\n");
    }
  })());
  const tmp = await Deno.makeTempFile({ prefix: "polystore-backup-", suffix: ".gz" });
  try {
    const sha = new Sha256();
    let size = 0;
    const file = await Deno.open(tmp, { write: true, truncate: true });
    try {
      for await (const chunk of source.pipeThrough(new CompressionStream("gzip"))) {
        sha.update(chunk);
        size += chunk.length;
        let off = 0;
        while (off < chunk.length) off += await file.write(chunk.subarray(off));
      }
    } finally {
      file.close();
    }
    const upload = await Deno.open(tmp, { read: true });
    const info = await objects.put(BACKUP_BUCKET, key, upload.readable, {
      size,
      contentType: "application/gzip",
    });
    if (info.size !== size) {
      throw new Error(`part ${key}: stored ${info.size} bytes, wrote ${size}`);
    }
    return {
      count: digest.count,
      size_bytes: size,
      sha256: sha.hex(),
      content_digest: digest.hex(),
    };
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

/** Writes a small JSON document (the manifest) and returns its bytes' SHA-256 and size. */
export async function writeJson(
  objects: ObjectStore,
  key: string,
  value: unknown,
): Promise<{ size_bytes: number }> {
  const bytes = new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n");
  await objects.put(BACKUP_BUCKET, key, bytes, { contentType: "application/json" });
  return { size_bytes: bytes.length };
}

/** Reads a JSON document from the backups bucket. */
export async function readJson(objects: ObjectStore, key: string): Promise<unknown> {
  const { body } = await objects.get(BACKUP_BUCKET, key);
  return JSON.parse(await new Response(body).text());
}

/** A part's stored bytes hashed and its lines read: for verify. */
export async function inspectPart(
  objects: ObjectStore,
  key: string,
  digestOf?: (line: string) => string,
): Promise<{ sha256: string; count: number; content_digest: string }> {
  const { body } = await objects.get(BACKUP_BUCKET, key);
  const sha = new Sha256();
  const hashed = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        sha.update(chunk);
        controller.enqueue(chunk);
      },
    }),
  );
  const digest = new SetDigest();
  for await (const line of linesOf(gunzipText(hashed))) {
    if (digestOf) digest.add(digestOf(line));
    else digest.addJsonLine(line);
  }
  return { sha256: sha.hex(), count: digest.count, content_digest: digest.hex() };
}

/** A part's lines, decompressed, each ending in "\n" (the ports' import format). */
export async function* readPartLines(objects: ObjectStore, key: string): AsyncGenerator<string> {
  const { body } = await objects.get(BACKUP_BUCKET, key);
  for await (const line of linesOf(gunzipText(body))) yield line + "\n";
}

function gunzipText(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const gunzip = new DecompressionStream("gzip") as unknown as ReadableWritablePair<
    Uint8Array,
    Uint8Array
  >;
  return body.pipeThrough(gunzip).pipeThrough(new TextDecoderStream());
}
