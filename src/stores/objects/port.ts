// The objects port: S3 buckets over npm:minio (server) or a folder under $DATA_DIR/objects
// (embedded). Keys are checked before any adapter sees them: no "..", no leading "/", no
// backslashes or control characters.
import type { StoreHealth } from "../health.ts";

export interface ObjectInfo {
  bucket: string;
  key: string;
  size: number;
  content_type: string;
  etag: string;
  last_modified: Date;
  metadata: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  /** Required by some adapters when `body` is a stream. */
  size?: number;
  metadata?: Record<string, string>;
}

export type Body = ReadableStream<Uint8Array> | Uint8Array | string;

export interface SignedPutOptions {
  contentType?: string;
  /** Largest upload the URL accepts, in bytes. */
  maxSize?: number;
}

export interface LifecycleRule {
  /** Key prefix the rule applies to; "" for the whole bucket. */
  prefix: string;
  /** Objects older than this many days are removed. */
  expireDays: number;
}

export interface ListOptions {
  /** Default 1000. */
  limit?: number;
  /** Only keys after this one (the last key of the previous page). */
  startAfter?: string;
}

export interface ObjectStore {
  readonly adapter: string;
  ensureBucket(bucket: string, options?: { publicRead?: boolean }): Promise<void>;
  listBuckets(): Promise<string[]>;
  put(bucket: string, key: string, body: Body, options?: PutOptions): Promise<ObjectInfo>;
  /** Throws a `not_found` StoreError when the object is missing. */
  get(bucket: string, key: string): Promise<{ info: ObjectInfo; body: ReadableStream<Uint8Array> }>;
  stat(bucket: string, key: string): Promise<ObjectInfo | null>;
  /** Objects under `prefix`, in key order. */
  list(bucket: string, prefix?: string, options?: ListOptions): Promise<ObjectInfo[]>;
  /** Removes the object; false when it was not there. */
  remove(bucket: string, key: string): Promise<boolean>;
  signedGetUrl(bucket: string, key: string, expiresSeconds: number): Promise<string>;
  signedPutUrl(
    bucket: string,
    key: string,
    expiresSeconds: number,
    options?: SignedPutOptions,
  ): Promise<string>;
  setLifecycle(bucket: string, rules: readonly LifecycleRule[]): Promise<void>;
  getLifecycle(bucket: string): Promise<LifecycleRule[]>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}
