/**
 * Which buckets the files API writes to, and each one's size limit and allowed content types:
 * defaults here, overridden per bucket by FILES_LIMITS in config.
 *
 * @module
 */
import type { Config } from "../config.ts";

const MB = 1024 * 1024;

/** What a bucket accepts from the files API. */
export interface BucketPolicy {
  bucket: string;
  maxBytes: number;
  /** Media types ("application/pdf", "image/*", "*\/*"). */
  types: readonly string[];
}

const IMAGES = ["image/jpeg", "image/png", "image/webp"];

/**
 * The buckets users upload to. `backups` is missing on purpose: only operations write there.
 * Avatars hold only user pictures; contracts signed PDFs; receipts PDFs and photos of them.
 */
export const DEFAULT_POLICIES: Readonly<Record<string, Omit<BucketPolicy, "bucket">>> = {
  avatars: { maxBytes: 5 * MB, types: IMAGES },
  contracts: { maxBytes: 25 * MB, types: ["application/pdf"] },
  receipts: { maxBytes: 10 * MB, types: ["application/pdf", ...IMAGES] },
  content: {
    maxBytes: 2048 * MB,
    types: ["image/*", "video/*", "audio/*", "application/pdf"],
  },
  exports: {
    maxBytes: 500 * MB,
    types: ["text/csv", "application/pdf", "application/json", "application/zip"],
  },
  temp: { maxBytes: 500 * MB, types: ["*/*"] },
};

/** The policy of `bucket`, or null when the files API does not write there. */
export function bucketPolicy(config: Pick<Config, "files">, bucket: string): BucketPolicy | null {
  const base = Object.hasOwn(DEFAULT_POLICIES, bucket) ? DEFAULT_POLICIES[bucket] : undefined;
  if (base === undefined) return null;
  const override = config.files.limits[bucket] ?? {};
  return {
    bucket,
    maxBytes: override.max_bytes ?? base.maxBytes,
    types: override.types ?? base.types,
  };
}

/** Every bucket the files API writes to. */
export function uploadBuckets(): string[] {
  return Object.keys(DEFAULT_POLICIES);
}

/** "Text/CSV; charset=utf-8" -> "text/csv". */
export function mediaEssence(contentType: string): string {
  return contentType.split(";")[0].trim().toLowerCase();
}

/** True when `contentType` is one of `types` (wildcards "type/*" and "*\/*" allowed). */
export function typeAllowed(types: readonly string[], contentType: string): boolean {
  const essence = mediaEssence(contentType);
  const [major] = essence.split("/");
  return types.some((t) => {
    const p = t.toLowerCase();
    return p === "*/*" || p === essence || (p.endsWith("/*") && p.slice(0, -2) === major);
  });
}
