/**
 * Between S3's wire shapes and the objects port: listed items and response headers as ObjectInfo,
 * user metadata headers, lifecycle XML as rules, the public-read policy, and a pull-driven
 * download stream.
 *
 * @module
 */
import type { Buffer } from "node:buffer";
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { DEFAULT_CONTENT_TYPE } from "./keys.ts";
import type { LifecycleRule, ObjectInfo } from "./port.ts";

/**
 * A web stream over a Node one that reads a chunk only when one is asked for. `Readable.toWeb`
 * reads ahead without limit, which holds a large download in memory when its reader is slower.
 */
export function pullFrom(res: Readable): ReadableStream<Uint8Array> {
  const chunks = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const step = await chunks.next();
      if (step.done) ctl.close();
      else ctl.enqueue(new Uint8Array(step.value.buffer, step.value.byteOffset, step.value.length));
    },
    cancel() {
      res.destroy();
    },
  }, { highWaterMark: 0 });
}

export interface ListedItem {
  name?: string;
  size?: number;
  etag?: string;
  lastModified?: Date;
  metadata?: Record<string, unknown> | null;
}

export const STANDARD_HEADERS = new Set([
  "content-type",
  "cache-control",
  "content-encoding",
  "content-disposition",
  "content-language",
  "expires",
]);

export function listedInfo(bucket: string, item: ListedItem): ObjectInfo {
  // MinIO lists user metadata as "X-Amz-Meta-Name" beside "content-type" and other headers.
  const meta = item.metadata ?? {};
  const lower = Object.fromEntries(Object.entries(meta).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    bucket,
    key: item.name!,
    size: Number(item.size ?? 0),
    content_type: headerValue(lower["content-type"]) ?? DEFAULT_CONTENT_TYPE,
    etag: item.etag ?? "",
    last_modified: item.lastModified ?? new Date(0),
    metadata: userMetadata(meta, metaName),
  };
}

export function infoFromHeaders(
  bucket: string,
  key: string,
  h: IncomingHttpHeaders,
): ObjectInfo | null {
  const size = Number(h["content-length"]);
  if (!Number.isFinite(size) || h.etag === undefined) return null;
  return {
    bucket,
    key,
    size,
    content_type: headerValue(h["content-type"]) ?? DEFAULT_CONTENT_TYPE,
    etag: h.etag.replace(/^"|"$/g, ""),
    last_modified: new Date(String(h["last-modified"])),
    metadata: userMetadata(h as Record<string, unknown>, metaName),
  };
}

/** "x-amz-meta-name" -> "name"; anything else is not user metadata. */
function metaName(header: string): string | null {
  const lower = header.toLowerCase();
  return lower.startsWith("x-amz-meta-") ? lower.slice("x-amz-meta-".length) : null;
}

export function userMetadata(
  source: Record<string, unknown>,
  nameOf: (header: string) => string | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [header, value] of Object.entries(source)) {
    const name = nameOf(header.toLowerCase());
    const v = headerValue(value);
    if (name !== null && v !== undefined) out[name] = v;
  }
  return out;
}

export function headerValue(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.length > 0 ? String(v[0]) : undefined;
  return v === undefined || v === null ? undefined : String(v);
}

export function parseLifecycle(config: unknown): LifecycleRule[] {
  const rules = (config as { Rule?: unknown } | null)?.Rule;
  const list = Array.isArray(rules) ? rules : rules ? [rules] : [];
  const out: LifecycleRule[] = [];
  for (const raw of list) {
    const r = raw as {
      Status?: string;
      Prefix?: unknown;
      Filter?: { Prefix?: unknown; And?: { Prefix?: unknown } };
      Expiration?: { Days?: unknown };
    };
    const days = Number(r.Expiration?.Days);
    if (r.Status === "Disabled" || !Number.isInteger(days) || days < 1) continue;
    const prefix = r.Filter?.Prefix ?? r.Filter?.And?.Prefix ?? r.Prefix ?? "";
    out.push({ prefix: typeof prefix === "string" ? prefix : "", expireDays: days });
  }
  return out;
}

export function publicReadPolicy(bucket: string) {
  return {
    Version: "2012-10-17",
    Statement: [{
      Effect: "Allow",
      Principal: { AWS: ["*"] },
      Action: ["s3:GetObject"],
      Resource: [`arn:aws:s3:::${bucket}/*`],
    }],
  };
}
